package org.telekiosk.agent.sensor.ecg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.ads1115.Ads1115;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config;
import org.telekiosk.agent.sensor.ads1115.SimulatedAds1115;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

class EcgMonitorTest {

    /** A lead-off detector a test sets directly. */
    private static final class FakeLeads implements LeadOffDetector {
        LeadStatus status = LeadStatus.ATTACHED;
        SensorException failure;

        @Override
        public LeadStatus status() throws SensorException {
            if (failure != null) {
                throw failure;
            }
            return status;
        }
    }

    private final SimulatedAd8232 frontEnd = new SimulatedAd8232(Ad8232FrontEnd.TYPICAL, new SyntheticEcg(90, 4));
    private final SimulatedAds1115 chip = new SimulatedAds1115(0x48, frontEnd);
    private final Context pi4j = new SimulatedHardware().attachI2C(1, 0x48, chip).newContext();
    private final FakeLeads leads = new FakeLeads();
    private final EcgMonitor ecg = new EcgMonitor(Ads1115.open(pi4j, 1, 0x48), Ads1115Config.ECG, leads,
            Ad8232FrontEnd.TYPICAL, Duration.ofSeconds(6));

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    private void pollSeconds(double seconds) throws SensorException {
        for (int i = 0; i < seconds * 250; i++) {
            chip.advance(Duration.ofMillis(4));
            assertTrue(ecg.poll().isPresent());
        }
    }

    @Test
    void theFirstPollConfiguresTheAdcAndGivesNoSample() throws SensorException {
        assertTrue(ecg.poll().isEmpty());
        assertEquals(java.util.List.of(0x42A3), chip.configWrites());
    }

    @Test
    void samplesAreMillivoltsAtTheElectrodesAndTheWindowYieldsTheHeartRate() throws SensorException {
        ecg.poll();
        pollSeconds(6);
        assertEquals(90, ecg.heartRate().orElseThrow(), 1);
    }

    @Test
    void theWindowSlidesSoTheRateFollowsTheHeart() throws SensorException {
        ecg.poll();
        pollSeconds(6);
        frontEnd.setHeartRate(150);
        pollSeconds(7); // the 6 s window now holds only the faster beats
        assertEquals(150, ecg.heartRate().orElseThrow(), 1);
    }

    @Test
    void aLeadOffEmptiesTheWindowSoNoRateSpansTheGap() throws SensorException {
        ecg.poll();
        pollSeconds(6);
        leads.status = new LeadStatus(false, true);
        chip.advance(Duration.ofMillis(4));
        assertEquals("ECG electrode off: the AD8232 signals lead-off at -IN",
                assertThrows(SensorException.class, ecg::poll).getMessage());
        leads.status = LeadStatus.ATTACHED;
        pollSeconds(1);
        assertTrue(ecg.heartRate().isEmpty(), "one second after the gap is too little for a rate");
    }

    @Test
    void aFailingLeadOffDetectorIsPassedOnAndTheAdcReconfiguredAfterIt() throws SensorException {
        ecg.poll();
        SensorException failure = new SensorException(Kind.BUS_ERROR, "GPIO gone");
        leads.failure = failure;
        assertSame(failure, assertThrows(SensorException.class, ecg::poll));
        leads.failure = null;
        chip.clearConfigWrites();
        assertTrue(ecg.poll().isEmpty());
        assertEquals(java.util.List.of(0x42A3), chip.configWrites());
    }

    @Test
    void anAdcResetWithoutABusErrorReadsAsARailedOutputAndIsConfiguredAgain() throws SensorException {
        ecg.poll();
        pollSeconds(1);
        chip.powerCycle(); // a brown-out: single-shot mode, conversion register 0000h
        chip.advance(Duration.ofMillis(4));
        SensorException e = assertThrows(SensorException.class, ecg::poll);
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().startsWith("ECG front end saturated: AD8232 output 0.0 mV"), e.getMessage());
        assertTrue(ecg.poll().isEmpty(), "configured again");
        pollSeconds(1);
    }

    @Test
    void ratesBelow250SpsAndOddWindowsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EcgMonitor(Ads1115.open(pi4j, 1, 0x49),
                new Ads1115Config(Ads1115Config.Input.AIN0_GND, Ads1115Config.Range.FSR_4_096,
                        Ads1115Config.DataRate.SPS_128), leads, Ad8232FrontEnd.TYPICAL, Duration.ofSeconds(10)));
        assertThrows(IllegalArgumentException.class, () -> new EcgMonitor(Ads1115.open(pi4j, 1, 0x4A),
                Ads1115Config.ECG, leads, Ad8232FrontEnd.TYPICAL, Duration.ofSeconds(2)));
    }
}
