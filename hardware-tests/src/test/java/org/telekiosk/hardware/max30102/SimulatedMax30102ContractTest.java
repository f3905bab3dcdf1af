package org.telekiosk.hardware.max30102;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.max30102.FifoRead;
import org.telekiosk.agent.sensor.max30102.Max30102Config;
import org.telekiosk.agent.sensor.max30102.Max30102Config.AdcRange;
import org.telekiosk.agent.sensor.max30102.Max30102Config.PulseWidth;
import org.telekiosk.agent.sensor.max30102.Max30102Config.SampleAveraging;
import org.telekiosk.agent.sensor.max30102.Max30102Config.SampleRate;
import org.telekiosk.agent.sensor.max30102.OximetryResult;
import org.telekiosk.agent.sensor.max30102.Physiology;
import org.telekiosk.agent.sensor.max30102.PpgSample;
import org.telekiosk.agent.sensor.max30102.PpgSource;
import org.telekiosk.agent.sensor.max30102.PulseOximeter;
import org.telekiosk.agent.sensor.max30102.SimulatedFinger;
import org.telekiosk.agent.sensor.max30102.SimulatedMax30102;
import org.telekiosk.agent.sensor.max30102.SimulatedMax30102.Fault;
import org.telekiosk.agent.sensor.max30102.SimulatedMax30102.RegisterWrite;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

/**
 * The contract against the simulated chip through real Pi4J I2C calls; and what only a simulation can show: the exact
 * register writes of initialisation, exact counts for known photocurrents, each fault reported, recovery after
 * re-plugging, and the accuracy of SpO2 and pulse rate over the physiology the issue names.
 */
class SimulatedMax30102ContractTest extends Max30102ContractTest {

    private final SimulatedFinger finger = new SimulatedFinger(Physiology.RESTING, 7);
    private final SimulatedMax30102 chip = new SimulatedMax30102(finger);
    private final SimulatedHardware hardware = new SimulatedHardware().attachI2C(BUS, ADDRESS, chip);

    @Override
    Context newContext() {
        return hardware.newContext();
    }

    @Override
    void elapse(Duration duration) {
        chip.advance(duration);
    }

    @Test
    void initialisationReportsTheRevisionTheChipHoldsInRevId() throws SensorException {
        assertEquals(SimulatedMax30102.REVISION, driver.initialise(Max30102Config.DEFAULT));
    }

    @Test
    void aChipWhosePartIdIsNot0x15IsRefusedBeforeAnythingIsWritten() {
        chip.failNextRead(Fault.GARBAGE); // REV_ID and PART_ID read 0xFF from the pull-ups

        SensorException e = assertThrows(SensorException.class, () -> driver.initialise(Max30102Config.DEFAULT));

        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertTrue(e.getMessage().contains("PART_ID (0xFF) reads 0xFF, expected 0x15"), e.getMessage());
        assertEquals(List.of(), chip.registerWrites(), "nothing is written to a chip that is not a MAX30102");
    }

    @Test
    void initialisationResetsConfiguresClearsTheFifoAndEntersSpo2ModeLast() throws SensorException {
        driver.initialise(Max30102Config.DEFAULT);
        assertEquals(List.of(
                new RegisterWrite(0x09, 0x40), // MODE_CONFIG: RESET
                new RegisterWrite(0x08, 0x40), // FIFO_CONFIG: SMP_AVE=4 (010), no rollover, A_FULL=0
                new RegisterWrite(0x0A, 0x2F), // SPO2_CONFIG: ADC 4096 nA (01), 400/s (011), 411 µs (11)
                new RegisterWrite(0x0C, 0x24), // LED1_PA red: 7.2 mA
                new RegisterWrite(0x0D, 0x24), // LED2_PA IR: 7.2 mA
                new RegisterWrite(0x04, 0x00), // FIFO_WR_PTR
                new RegisterWrite(0x05, 0x00), // OVF_COUNTER
                new RegisterWrite(0x06, 0x00), // FIFO_RD_PTR
                new RegisterWrite(0x09, 0x03)), // MODE_CONFIG: SpO2
                chip.registerWrites());
    }

    @Test
    void rolloverAndAnotherRateAreWrittenAsTheDatasheetEncodesThem() throws SensorException {
        driver.initialise(new Max30102Config(SampleRate.SPS_800, PulseWidth.US_215, AdcRange.NA_16384,
                SampleAveraging.AVERAGE_8, true, 15, 0x7F, 0xFF));
        List<RegisterWrite> writes = chip.registerWrites();
        assertEquals(new RegisterWrite(0x08, 0b011_1_1111), writes.get(1));
        assertEquals(new RegisterWrite(0x0A, 0b0_11_100_10), writes.get(2));
        assertEquals(new RegisterWrite(0x0C, 0x7F), writes.get(3));
        assertEquals(new RegisterWrite(0x0D, 0xFF), writes.get(4));
    }

    @ParameterizedTest(name = "{0} µs pulses: red {1}, IR {2}")
    @CsvSource({"US_411, 64019, 128044", "US_215, 64018, 128044", "US_118, 64016, 128044", "US_69, 64016, 128040"})
    void knownPhotocurrentsGiveExactLeftJustifiedCounts(PulseWidth width, int red, int ir) throws SensorException {
        // 10.0 mA LEDs (0x32); 1000.3 nA and 2000.7 nA on the 4096 nA range: 64 counts per nA, floored.
        chip.setSource(PpgSource.constant(100.03, 200.07));
        driver.initialise(new Max30102Config(SampleRate.SPS_100, width, AdcRange.NA_4096,
                SampleAveraging.AVERAGE_1, false, 0, 0x32, 0x32));
        chip.advance(Duration.ofMillis(50));
        FifoRead read = driver.readFifo();
        assertEquals(5, read.samples().size());
        assertTrue(read.samples().stream().allMatch(new PpgSample(red, ir)::equals), read.samples().toString());
    }

    @ParameterizedTest
    @ValueSource(doubles = {36.5625, 25.0, 0.0625, -5.25, -40.0, 85.0})
    void theDieTemperatureIsExactToASixteenthOfADegree(double celsius) throws SensorException {
        chip.setDieTemperature(celsius);
        driver.initialise(Max30102Config.DEFAULT);
        driver.startDieTemperature();
        chip.advance(Duration.ofMillis(28));
        assertTrue(driver.readDieTemperature().isEmpty(), "the conversion takes 29 ms");
        chip.advance(Duration.ofMillis(1));
        assertEquals(celsius, driver.readDieTemperature().orElseThrow(), 0.0);
    }

    @ParameterizedTest(name = "{0} is reported as {1} saying \"{2}\", and the next read succeeds")
    @CsvSource(delimiter = '|', textBlock = """
        NACK    | NO_ANSWER | no answer from the MAX30102 at I2C bus 1 address 0x57 reading register 0x04: I2C bus 1: address 0x57 not acknowledged: Remote I/O error (121)
        GARBAGE | BUS_ERROR | corrupted answer from the MAX30102 at I2C bus 1 address 0x57: FIFO pointers 0xFF 0xFF 0xFF have unused bits 7:5 set
        """)
    void aFaultIsReportedPreciselyAndTheNextReadSucceeds(Fault fault, Kind kind, String message)
            throws SensorException {
        driver.initialise(Max30102Config.DEFAULT);
        chip.advance(Duration.ofMillis(100));
        chip.failNextRead(fault);
        SensorException e = assertThrows(SensorException.class, driver::readFifo);
        assertEquals(kind, e.kind());
        assertEquals(message, e.getMessage());
        assertEquals(10, driver.readFifo().samples().size());
    }

    @Test
    void garbageInTheFifoDataIsACorruptedTransferNotASample() throws SensorException {
        driver.initialise(Max30102Config.DEFAULT);
        chip.advance(Duration.ofMillis(100));
        chip.failNextRead(Fault.NONE); // the pointers read fine...
        chip.failNextRead(Fault.GARBAGE); // ...the FIFO data does not
        SensorException e = assertThrows(SensorException.class, driver::readFifo);
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertEquals("corrupted answer from the MAX30102 at I2C bus 1 address 0x57: FIFO data byte 0xFF has unused"
                + " bits 23:18 set", e.getMessage());
    }

    @ParameterizedTest(name = "rollover {0}")
    @ValueSource(booleans = {false, true})
    void anOverflowedFifoIsReadWholeAndItsLostSamplesCounted(boolean rollover) throws SensorException {
        driver.initialise(new Max30102Config(SampleRate.SPS_100, PulseWidth.US_411, AdcRange.NA_4096,
                SampleAveraging.AVERAGE_1, rollover, 0, 0x24, 0x24));
        chip.advance(Duration.ofMillis(400)); // 40 samples into 32 slots
        FifoRead read = driver.readFifo();
        assertEquals(32, read.samples().size());
        assertEquals(8, read.lost());
        assertTrue(read.hasGap());
        chip.advance(Duration.ofMillis(100));
        FifoRead next = driver.readFifo();
        assertEquals(10, next.samples().size());
        assertEquals(0, next.lost());
    }

    @Test
    void theOverflowCounterSaturatesAt31() throws SensorException {
        driver.initialise(Max30102Config.DEFAULT);
        chip.advance(Duration.ofSeconds(2));
        assertEquals(31, driver.readFifo().lost());
    }

    @Test
    void anUnpluggedSensorFailsAsNoAnswerAndReadsAgainWhenPluggedBackIn() throws SensorException {
        PulseOximeter oximeter = new PulseOximeter(driver, Max30102Config.DEFAULT, Duration.ofSeconds(8));
        oximeter.poll();
        chip.advance(Duration.ofMillis(100));
        assertEquals(10, oximeter.poll().samples().size());

        hardware.detachI2C(BUS, ADDRESS);
        chip.powerCycle(); // unplugged: the chip loses power and its configuration
        assertEquals(Kind.NO_ANSWER, assertThrows(SensorException.class, oximeter::poll).kind());
        assertEquals(Kind.NO_ANSWER, assertThrows(SensorException.class, oximeter::poll).kind());

        hardware.attachI2C(BUS, ADDRESS, chip);
        assertTrue(oximeter.poll().samples().isEmpty(), "re-initialised with a cleared FIFO");
        chip.advance(Duration.ofMillis(100));
        var batch = oximeter.poll();
        assertEquals(10, batch.samples().size());
        assertTrue(batch.continuesPrevious());
    }

    @Test
    void aChipResetWithoutABusErrorIsFoundAndConfiguredAgain() throws SensorException {
        PulseOximeter oximeter = new PulseOximeter(driver, Max30102Config.DEFAULT, Duration.ofSeconds(8));
        oximeter.poll();
        chip.advance(Duration.ofMillis(100));
        oximeter.poll();
        chip.powerCycle(); // a brown-out: the chip still answers, at its reset values
        chip.advance(Duration.ofMillis(100));
        SensorException e = assertThrows(SensorException.class, oximeter::poll);
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertEquals("the MAX30102 left SpO2 mode (a reset or power loss): it is configured again", e.getMessage());
        assertTrue(oximeter.poll().samples().isEmpty());
        chip.advance(Duration.ofMillis(100));
        assertEquals(10, oximeter.poll().samples().size());
    }

    @Test
    void withoutAFingerThereIsNoReadingAndASaidReason() throws SensorException {
        chip.setSource(PpgSource.constant(0.5, 0.5));
        PulseOximeter oximeter = new PulseOximeter(driver, Max30102Config.DEFAULT, Duration.ofSeconds(8));
        for (int i = 0; i <= 80; i++) {
            oximeter.poll();
            chip.advance(Duration.ofMillis(100));
        }
        OximetryResult.NoReading none = assertInstanceOf(OximetryResult.NoReading.class, oximeter.result());
        assertTrue(none.reason().startsWith("no finger on the sensor"), none.reason());
    }

    static Stream<Arguments> physiology() {
        return Stream.of(85, 88, 91, 94, 97, 100).flatMap(spo2 -> Stream.of(40, 60, 80, 100, 120, 140, 160, 180)
                .map(bpm -> Arguments.of(spo2, bpm)));
    }

    @ParameterizedTest(name = "SpO2 {0} %, pulse {1} bpm")
    @MethodSource("physiology")
    void spo2IsWithinTwoPointsAndPulseWithinThreeBpm(int spo2, int bpm) throws SensorException {
        finger.setPhysiology(new Physiology(bpm, spo2, 1.5));
        PulseOximeter oximeter = new PulseOximeter(driver, Max30102Config.DEFAULT, Duration.ofSeconds(10));
        oximeter.poll();
        for (int i = 0; i < 105; i++) { // 10.5 s in reads every 100 ms, as the sampler makes them
            chip.advance(Duration.ofMillis(100));
            oximeter.poll();
        }
        OximetryResult.Reading reading = assertInstanceOf(OximetryResult.Reading.class, oximeter.result());
        assertEquals(spo2, reading.spo2Percent(), 2.0, reading.toString());
        assertEquals(bpm, reading.pulseRateBpm(), 3.0, reading.toString());
    }

    @ParameterizedTest(name = "SpO2 {0} %, pulse {1} bpm, perfusion 0.5 %, tenfold noise")
    @MethodSource("physiology")
    void underTenfoldNoiseAtLowPerfusionThereIsNoReadingRatherThanAWrongOne(int spo2, int bpm)
            throws SensorException {
        chip.setSource(new SimulatedFinger(new Physiology(bpm, spo2, 0.5), 7, 10));
        PulseOximeter oximeter = new PulseOximeter(driver, Max30102Config.DEFAULT, Duration.ofSeconds(10));
        oximeter.poll();
        for (int i = 0; i < 105; i++) {
            chip.advance(Duration.ofMillis(100));
            oximeter.poll();
        }
        if (oximeter.result() instanceof OximetryResult.Reading reading) {
            assertEquals(spo2, reading.spo2Percent(), 2.0, reading.toString());
            assertEquals(bpm, reading.pulseRateBpm(), 3.0, reading.toString());
        }
    }
}
