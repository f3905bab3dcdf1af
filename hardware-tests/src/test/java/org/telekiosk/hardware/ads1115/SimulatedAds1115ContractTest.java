package org.telekiosk.hardware.ads1115;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.DataRate;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.Input;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.Range;
import org.telekiosk.agent.sensor.ads1115.AnalogInputs;
import org.telekiosk.agent.sensor.ads1115.SimulatedAds1115;
import org.telekiosk.agent.sensor.ads1115.SimulatedAds1115.Fault;
import org.telekiosk.agent.sensor.ecg.Ad8232FrontEnd;
import org.telekiosk.agent.sensor.ecg.EcgMonitor;
import org.telekiosk.agent.sensor.ecg.LeadOffDetector;
import org.telekiosk.agent.sensor.ecg.LeadStatus;
import org.telekiosk.agent.sensor.ecg.SimulatedAd8232;
import org.telekiosk.agent.sensor.ecg.SyntheticEcg;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

/**
 * The contract against the simulated ADS1115 and AD8232 through real Pi4J I2C calls; and what only a simulation can
 * show: the exact Config words, exact millivolts for known inputs, each fault reported, recovery after re-plugging,
 * and the heart rate's accuracy over 40-180 bpm at each ECG data rate.
 */
class SimulatedAds1115ContractTest extends Ads1115ContractTest {

    private final SimulatedAd8232 frontEnd = new SimulatedAd8232(Ad8232FrontEnd.TYPICAL, new SyntheticEcg(72, 11));
    private final SimulatedAds1115 chip = new SimulatedAds1115(ADDRESS, frontEnd);
    private final SimulatedHardware hardware = new SimulatedHardware().attachI2C(BUS, ADDRESS, chip);

    @Override
    Context newContext() {
        return hardware.newContext();
    }

    @Override
    void elapse(Duration duration) {
        chip.advance(duration);
    }

    @ParameterizedTest(name = "{0} SPS: Config 0x{1}")
    @CsvSource({"SPS_250, 42A3", "SPS_475, 42C3", "SPS_860, 42E3"})
    void configurationWritesOsZeroAin0GndPlusMinus4VContinuousTheRateAndNoComparator(DataRate rate, String word)
            throws SensorException {
        driver.configure(new Ads1115Config(Input.AIN0_GND, Range.FSR_4_096, rate));
        assertEquals(List.of(Integer.parseInt(word, 16)), chip.configWrites());
    }

    @ParameterizedTest(name = "{0} V on {1} at {2}: {3} mV")
    @CsvSource({
        "1.65,    AIN0_GND,  FSR_4_096, 1650.0",
        "3.3,     AIN0_GND,  FSR_4_096, 3300.0",
        "0.000125,AIN0_GND,  FSR_4_096, 0.125",
        "5.0,     AIN0_GND,  FSR_4_096, 4095.875",
        "0.1,     AIN0_GND,  FSR_0_256, 99.9999",
        "1.0,     AIN0_GND,  FSR_0_256, 255.9921875",
        "-0.5,    AIN0_AIN1, FSR_2_048, -500.0",
        "-3.0,    AIN0_AIN1, FSR_2_048, -2048.0",
        "1.0,     AIN0_AIN1, FSR_6_144, 999.9375"})
    void knownInputsConvertToExactMillivolts(double volts, Input input, Range range, double millivolts)
            throws SensorException {
        chip.setInputs(AnalogInputs.constant(volts, 0, 0, 0));
        driver.configure(new Ads1115Config(input, range, DataRate.SPS_860));
        chip.advance(Duration.ofMillis(2));
        assertEquals(millivolts, driver.readMillivolts(), range.lsbMillivolts() / 2);
    }

    @Test
    void readsFasterThanTheDataRateRepeatTheLastConversion() throws SensorException {
        chip.setInputs((channel, seconds) -> seconds); // 1 V per second on every input
        driver.configure(new Ads1115Config(Input.AIN0_GND, Range.FSR_4_096, DataRate.SPS_250));
        chip.advance(Duration.ofMillis(6)); // one conversion, at 4 ms
        assertEquals(4.0, driver.readMillivolts());
        assertEquals(4.0, driver.readMillivolts());
        chip.advance(Duration.ofMillis(2)); // the next, at 8 ms
        assertEquals(8.0, driver.readMillivolts());
    }

    @ParameterizedTest(name = "{0} is reported as {1}, and the next read succeeds")
    @CsvSource(delimiter = '|', textBlock = """
        NACK    | NO_ANSWER    | no answer from the ADS1115 at I2C bus 1 address 0x48 reading register 0x00: I2C bus 1: address 0x48 not acknowledged: Remote I/O error (121)
        GARBAGE | OUT_OF_RANGE | the ADS1115 at I2C bus 1 address 0x48 sent code 0xFFFF (-1) for single-ended input AIN0_GND, which cannot go below 0: a corrupted transfer
        """)
    void aFaultIsReportedPreciselyAndTheNextReadSucceeds(Fault fault, Kind kind, String message)
            throws SensorException {
        chip.setInputs(AnalogInputs.constant(1.65, 0, 0, 0));
        driver.configure(Ads1115Config.ECG);
        chip.advance(Duration.ofMillis(10));
        chip.failNextRead(fault);
        SensorException e = assertThrows(SensorException.class, driver::readMillivolts);
        assertEquals(kind, e.kind());
        assertEquals(message, e.getMessage());
        assertEquals(1650.0, driver.readMillivolts());
    }

    @Test
    void aChipThatLostItsConfigurationIsFoundByVerify() throws SensorException {
        driver.configure(Ads1115Config.ECG);
        chip.powerCycle();
        SensorException e = assertThrows(SensorException.class, driver::verify);
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertEquals("the ADS1115 at I2C bus 1 address 0x48 has Config 0x8583, expected 0x42A3 (its power-on value:"
                + " it was reset)", e.getMessage());
    }

    @Test
    void anElectrodeOffIsADeviceErrorNamingItAndNeverASample() throws SensorException {
        EcgMonitor ecg = monitor(Ads1115Config.ECG, frontEnd);
        pollSeconds(ecg, 1);
        frontEnd.setLeads(new LeadStatus(true, false));
        chip.advance(Duration.ofMillis(4));
        SensorException e = assertThrows(SensorException.class, ecg::poll);
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertEquals("ECG electrode off: the AD8232 signals lead-off at +IN", e.getMessage());
    }

    @Test
    void aSaturatedFrontEndIsOutOfRangeEvenIfTheLeadOffPinsMissIt() throws SensorException {
        frontEnd.setLeads(new LeadStatus(false, true));
        EcgMonitor ecg = monitor(Ads1115Config.ECG, () -> LeadStatus.ATTACHED); // LO pins not wired
        ecg.poll();
        chip.advance(Duration.ofMillis(4));
        SensorException e = assertThrows(SensorException.class, ecg::poll);
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().startsWith("ECG front end saturated: AD8232 output 3300.0 mV"), e.getMessage());
    }

    @Test
    void anUnpluggedAdcFailsAsNoAnswerAndReadsAgainWhenPluggedBackIn() throws SensorException {
        EcgMonitor ecg = monitor(Ads1115Config.ECG, frontEnd);
        pollSeconds(ecg, 1);
        hardware.detachI2C(BUS, ADDRESS);
        chip.powerCycle(); // unplugged: the chip loses power and its configuration
        chip.advance(Duration.ofMillis(4));
        assertEquals(Kind.NO_ANSWER, assertThrows(SensorException.class, ecg::poll).kind());
        hardware.attachI2C(BUS, ADDRESS, chip);
        assertTrue(ecg.poll().isEmpty(), "the poll that configures the ADC again has no sample yet");
        chip.advance(Duration.ofMillis(4));
        OptionalDouble sample = ecg.poll();
        assertTrue(sample.isPresent());
        assertTrue(Math.abs(sample.getAsDouble()) < 2, sample + " mV at the electrodes");
    }

    static Stream<Arguments> heartRates() {
        return Stream.of(DataRate.SPS_250, DataRate.SPS_475, DataRate.SPS_860).flatMap(rate ->
                Stream.of(40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180)
                        .map(bpm -> Arguments.of(rate, bpm)));
    }

    @ParameterizedTest(name = "{0}, {1} bpm")
    @MethodSource("heartRates")
    void theHeartRateFromRPeaksIsWithinTwoBpm(DataRate rate, int bpm) throws SensorException {
        frontEnd.setHeartRate(bpm);
        EcgMonitor ecg = monitor(new Ads1115Config(Input.AIN0_GND, Range.FSR_4_096, rate), frontEnd);
        pollSeconds(ecg, 10);
        assertEquals(bpm, ecg.heartRate().orElseThrow(), 2.0);
    }

    @ParameterizedTest(name = "{0} bpm")
    @org.junit.jupiter.params.provider.ValueSource(ints = {40, 60, 80, 100, 120, 140, 160, 180})
    void underFivefoldNoiseAndMainsHumTheHeartRateStaysWithinTwoBpm(int bpm) throws SensorException {
        SimulatedAd8232 noisy = new SimulatedAd8232(Ad8232FrontEnd.TYPICAL, new SyntheticEcg(bpm, 13, 5));
        chip.setInputs(noisy);
        EcgMonitor ecg = monitor(Ads1115Config.ECG, noisy);
        pollSeconds(ecg, 10);
        assertEquals(bpm, ecg.heartRate().orElseThrow(), 2.0);
    }

    private EcgMonitor monitor(Ads1115Config config, LeadOffDetector leads) {
        return new EcgMonitor(driver, config, leads, Ad8232FrontEnd.TYPICAL, Duration.ofSeconds(10));
    }

    /** Polls once per conversion period for {@code seconds}, as the sampler does. */
    private void pollSeconds(EcgMonitor ecg, int seconds) throws SensorException {
        int rate = ecg.sampleRateHz();
        Duration period = Duration.ofNanos(1_000_000_000L / rate);
        ecg.poll();
        for (int i = 0; i < seconds * rate; i++) {
            chip.advance(period);
            assertTrue(ecg.poll().isPresent());
        }
    }
}
