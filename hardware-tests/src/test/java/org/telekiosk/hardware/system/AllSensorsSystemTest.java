package org.telekiosk.hardware.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.protocol.KioskId;

/**
 * A simulated kiosk with all five sensors (real drivers, real Pi4J I/O calls to the simulated chips, the agent's
 * schedules, health, forwarder and Paho uplink over TLS) against a real broker, observed on the viewer WebSocket as a
 * doctor's browser would see it: ECG waveform batches, SpO2 and weight readings, and status events with every
 * sensor's health, also while a sensor is unplugged and plugged back in.
 */
class AllSensorsSystemTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A broker of its own: this class checks what the kiosk's readings and status bring to the viewer ({@link BrokerExtension#shared()}). */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    /** Provisions a kiosk as the demo does, with every sensor at its default wiring and quick schedules. */
    private AgentConfig provision(KioskId kiosk) throws Exception {
        return KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=500ms",
                "sensor.max30102.result-interval=2s", "sensor.bp-monitor.check-interval=1s");
    }

    /** The next viewer message of {@code kiosk} that {@code wanted} accepts, parsed. */
    private static JsonNode next(ViewerClient viewer, String kiosk, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String text;
            try {
                text = viewer.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (AssertionError timeout) {
                List<String> seen = viewer.seen();
                throw new AssertionError(timeout.getMessage() + "; broker: accepted " + BROKER.broker().intake()
                        .acceptedCount() + ", rejected " + BROKER.broker().intake().rejectedCounts() + ", delivered "
                        + BROKER.broker().viewers().deliveredCount() + ", skipped "
                        + BROKER.broker().viewers().skippedCount() + "; the last messages seen: "
                        + seen.subList(Math.max(0, seen.size() - 3), seen.size()), timeout);
            }
            JsonNode message = JSON.readTree(text);
            JsonNode payload = payload(message);
            if (payload != null && kiosk.equals(payload.path("kiosk").asText()) && wanted.test(message)) {
                return message;
            }
        }
    }

    private static JsonNode payload(JsonNode message) {
        return switch (message.path("type").asText()) {
            case "reading" -> message.get("measurement");
            case "waveform" -> message.get("batch");
            case "status" -> message.get("status");
            default -> null;
        };
    }

    private static Predicate<JsonNode> reading(String loinc) {
        return m -> m.path("type").asText().equals("reading")
                && m.path("measurement").path("loinc").asText().equals(loinc);
    }

    /** A status event in which {@code sensor} has {@code state}. */
    private static Predicate<JsonNode> status(String sensor, String state) {
        return m -> m.path("type").asText().equals("status") && states(m).getOrDefault(sensor, "").equals(state);
    }

    private static Map<String, String> states(JsonNode statusEvent) {
        Map<String, String> states = new TreeMap<>();
        statusEvent.path("status").path("sensors").forEach(s -> states.put(s.path("sensor").asText(),
                s.path("state").asText()));
        return states;
    }

    @Test
    void aKioskWithAllFiveSensorsStreamsEcgSpo2WeightAndAStatusWithEverySensorPresent() throws Exception {
        KioskId kiosk = KioskId.of("system-kiosk-five");
        AgentConfig config = provision(kiosk);
        try (RefusalWatch refusals = new RefusalWatch(kiosk);
                ViewerClient viewer = ViewerClient.doctorWatching(BROKER, kiosk);
                SimulatedKiosk hardware = new SimulatedKiosk(config.sensors(), SimulatedPatient.DEFAULT, 42);
                Agent agent = startedAgent(config, hardware)) {
            JsonNode present = next(viewer, kiosk.value(), m -> m.path("type").asText().equals("status")
                    && states(m).values().stream().allMatch("present"::equals) && states(m).size() == 5);
            assertEquals(Map.of("ads1115", "present", "bp-monitor", "present", "hx711", "present",
                    "max30102", "present", "mlx90614", "present"), states(present));

            JsonNode ecg = next(viewer, kiosk.value(), m -> m.path("type").asText().equals("waveform")
                    && m.path("batch").path("signal").asText().equals("ecg"));
            assertEquals("ads1115", ecg.path("batch").path("sensor").asText());
            assertEquals(250.0, ecg.path("batch").path("sampleRate").asDouble());
            assertEquals("mV", ecg.path("batch").path("unit").asText());
            assertEquals(250, ecg.path("batch").path("samples").size());

            JsonNode spo2 = next(viewer, kiosk.value(), reading("59408-5"));
            assertEquals(97, spo2.path("measurement").path("value").asDouble(), 2);
            assertEquals("%", spo2.path("measurement").path("unit").asText());

            JsonNode weight = next(viewer, kiosk.value(), reading("29463-7"));
            assertEquals(72, weight.path("measurement").path("value").asDouble(), 0.1);
            assertEquals("kg", weight.path("measurement").path("unit").asText());

            // the kiosk's own refusals: the broker is shared, its broker-wide counts are other classes' too
            assertEquals(List.of(), refusals.refusals(), "every message of the kiosk is accepted");
        }
    }

    @Test
    void aSensorUnpluggedShowsAsAbsentToTheViewerAndPresentAgainOncePluggedBack() throws Exception {
        KioskId kiosk = KioskId.of("system-kiosk-unplug");
        AgentConfig config = provision(kiosk);
        try (ViewerClient viewer = ViewerClient.doctorWatching(BROKER, kiosk);
                SimulatedKiosk hardware = new SimulatedKiosk(config.sensors(), SimulatedPatient.DEFAULT, 43);
                Agent agent = startedAgent(config, hardware)) {
            next(viewer, kiosk.value(), status("hx711", "present"));

            hardware.unplug(Hx711Scale.DEFAULT_ID);
            JsonNode absent = next(viewer, kiosk.value(), status("hx711", "absent"));
            String detail = absent.path("status").path("sensors").findValues("detail").stream()
                    .map(JsonNode::asText).filter(d -> d.contains("HX711")).findFirst().orElse("");
            assertTrue(detail.contains("no conversion ready"), absent.toString());
            assertEquals("present", states(absent).get("mlx90614"), "the other sensors go on");

            hardware.plugIn(Hx711Scale.DEFAULT_ID);
            next(viewer, kiosk.value(), status("hx711", "present"));
            JsonNode weight = next(viewer, kiosk.value(), reading("29463-7"));
            assertEquals(72, weight.path("measurement").path("value").asDouble(), 0.1);
        }
    }

    private static Agent startedAgent(AgentConfig config, SimulatedKiosk hardware) throws Exception {
        hardware.startClock();
        return Agent.start(config, hardware.kioskSensors(), Clock.systemUTC(), System::nanoTime);
    }
}
