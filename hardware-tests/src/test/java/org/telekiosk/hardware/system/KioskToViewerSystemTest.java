package org.telekiosk.hardware.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.sensor.mlx90614.SimulatedMlx90614;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.protocol.KioskId;

/**
 * The walking skeleton end to end: a simulated kiosk (real driver, real Pi4J I/O calls to a simulated MLX90614,
 * the real sampler, forwarder and Paho uplink over TLS) against a real broker (embedded HiveMQ, the broker's MQTT
 * client, the viewer WebSocket over TLS), observed by a WebSocket client as a doctor's browser would.
 */
class KioskToViewerSystemTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    /** A broker of its own: this class checks what the kiosk's readings bring to the viewer ({@link BrokerExtension#shared()}). */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    AgentConfig provision(KioskId kiosk, String interval) throws Exception {
        return KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=" + interval);
    }

    /** The set-points are whole steps of the chip's 0.02 K resolution, so the reading must equal them exactly. */
    @Test
    void aSimulatedKiosksTemperatureReachesTheViewerWithTheValueTheChipWasSetTo() throws Exception {
        KioskId kiosk = KioskId.of("system-kiosk-01");
        try (ViewerClient viewer = ViewerClient.doctorWatching(BROKER, kiosk);
                SimulatedKiosk hardware = new SimulatedKiosk(37.43);
                Agent agent = Agent.start(provision(kiosk, "200ms"), hardware.sensors(), Clock.systemUTC())) {
            String first = viewer.nextReadingFrom(kiosk.value(), WAIT);
            assertTrue(first.contains("\"kiosk\":\"system-kiosk-01\""), first);
            assertTrue(first.contains("\"loinc\":\"8310-5\"") && first.contains("\"unit\":\"Cel\""), first);
            assertTrue(first.contains("\"value\":37.43,"), first);
            assertTrue(first.contains("\"seq\":1,"), "the first reading of a new kiosk has sequence number 1: " + first);

            SimulatedMlx90614 chip = hardware.thermometerChip();
            chip.setObjectTemperature(38.07);
            String changed;
            do {
                changed = viewer.nextReadingFrom(kiosk.value(), WAIT);
            } while (!changed.contains("\"value\":38.07,"));
            assertTrue(changed.contains("system-kiosk-01"), changed);
        }
    }

    @Test
    void aSensorThatAnswersGarbageIsSkippedAndTheNextGoodReadingStillArrives() throws Exception {
        KioskId kiosk = KioskId.of("system-kiosk-02");
        try (RefusalWatch refusals = new RefusalWatch(kiosk);
                ViewerClient viewer = ViewerClient.doctorWatching(BROKER, kiosk);
                SimulatedKiosk hardware = new SimulatedKiosk(36.5);
                Agent agent = Agent.start(provision(kiosk, "200ms"), hardware.sensors(), Clock.systemUTC())) {
            viewer.nextReadingFrom(kiosk.value(), WAIT);
            long acceptedBefore = BROKER.broker().intake().acceptedCount();
            hardware.thermometerChip().failNextRead(SimulatedMlx90614.Fault.WRONG_PEC);
            hardware.thermometerChip().setObjectTemperature(36.95);
            String next;
            do {
                next = viewer.nextReadingFrom(kiosk.value(), WAIT);
            } while (!next.contains("\"value\":36.95,"));
            // the kiosk's own refusals: the broker is shared, its broker-wide counts are other classes' too
            assertEquals(List.of(), refusals.refusals(), "a bad chip answer never becomes a bad message");
            assertTrue(BROKER.broker().intake().acceptedCount() > acceptedBefore);
        }
    }
}
