package org.telekiosk.hardware.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;

/**
 * Routing by session end to end (issue 7): a simulated kiosk with all five sensors streams to a real broker; the
 * doctor whose consultation has that kiosk's patient in the call receives its readings and waveforms, while another
 * doctor (whose consultation has another kiosk in the call), the same kiosk's doctor's colleague trying the
 * consultation, a technician and an unauthenticated socket receive none of them.
 */
class VitalsRoutingSystemTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Readings and waveform batches the right doctor must have received before the others are checked. */
    private static final int N = 20;

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    @Test
    void onlyTheDoctorWithTheKioskInTheCallReceivesItsReadings() throws Exception {
        KioskId kiosk = KioskId.of("system-kiosk-routed");
        AgentConfig config = KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=500ms",
                "sensor.max30102.result-interval=2s", "sensor.bp-monitor.check-interval=1s");
        AccessServices access = BROKER.broker().access();
        Account colleague = VitalsFixture.account(access, "dr-colleague", Role.DOCTOR);
        Account technician = VitalsFixture.account(access, "tech-routed", Role.TECHNICIAN);
        Account kioskDoctor = VitalsFixture.account(access, "dr-routed", Role.DOCTOR);
        Consultation routed = VitalsFixture.inCall(access, kioskDoctor, kiosk);

        try (ViewerClient doctor = ViewerClient.connectAsDoctor(BROKER, VitalsFixture.login(access, kioskDoctor),
                        routed.id());
                ViewerClient otherDoctor = ViewerClient.doctorWatching(BROKER, KioskId.of("system-kiosk-elsewhere"));
                ViewerClient anonymous = ViewerClient.connect(BROKER);
                ViewerClient tech = ViewerClient.connect(BROKER);
                ViewerClient intruder = ViewerClient.connect(BROKER)) {
            Consultation colleagues = VitalsFixture.room(access, colleague, KioskId.of("system-kiosk-idle"));
            tech.send(VitalsFixture.hello(VitalsFixture.login(access, technician), colleagues.id()));
            assertTrue(tech.nextOfType("error", WAIT).contains("\"code\":\"forbidden\""));
            assertEquals(4403, tech.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS));

            try (SimulatedKiosk hardware = new SimulatedKiosk(config.sensors(), SimulatedPatient.DEFAULT, 7);
                    Agent agent = started(config, hardware)) {
                int kioskMessages = 0;
                while (kioskMessages < N) {
                    String message = doctor.next(WAIT);
                    if (message.contains("\"kiosk\":\"" + kiosk.value() + "\"")
                            && !message.startsWith("{\"type\":\"status\"")) {
                        kioskMessages++;
                    }
                }
                // The colleague's doctor socket is refused for the routed consultation (not theirs).
                intruder.send(VitalsFixture.hello(VitalsFixture.login(access, colleague), routed.id()));
                assertTrue(intruder.nextOfType("error", WAIT).contains("\"code\":\"forbidden\""));

                // All these sockets were open while the doctor received N of the kiosk's messages.
                assertEquals(1, otherDoctor.receivedCount(), "only the welcome: " + otherDoctor.seen());
                assertEquals(0, anonymous.receivedCount(), "an unauthenticated socket gets nothing");
                assertEquals(1, tech.receivedCount(), "only the refusal");
                assertTrue(otherDoctor.seen().stream().noneMatch(m -> m.contains(kiosk.value())));
            }
        }
    }

    private static Agent started(AgentConfig config, SimulatedKiosk hardware) throws Exception {
        hardware.startClock();
        return Agent.start(config, hardware.kioskSensors(), Clock.systemUTC(), System::nanoTime);
    }
}
