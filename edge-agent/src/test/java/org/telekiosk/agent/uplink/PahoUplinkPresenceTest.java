package org.telekiosk.agent.uplink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.agent.uplink.UplinkFixtures.quickReconnect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.topic.Topics;

/**
 * Each MQTT connection of the agent says that the kiosk is online and, through its MQTT 5 Will, that it went offline
 * (protocol/README.md, "presence"), with numbers that grow across connections and restarts.
 */
class PahoUplinkPresenceTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    @RegisterExtension
    static final EmbeddedBroker broker = new EmbeddedBroker();

    @TempDir
    Path dir;

    /** The test broker's settings for {@code kiosk}, with the CA file (and so the connection number) in {@link #dir}. */
    private UplinkSettings settings(String kiosk) throws Exception {
        UplinkSettings shared = UplinkFixtures.settings(broker, kiosk, 16);
        Path ca = dir.resolve("ca.pem");
        if (!Files.exists(ca)) {
            Files.copy(shared.caFile(), ca);
        }
        return new UplinkSettings(shared.serverUri(), shared.kiosk(), shared.password(), ca, shared.sessionExpiry(),
                shared.inflightWindow(), shared.keepAlive(), shared.connectTimeout(), shared.identity());
    }

    private static Presence next(TestSubscriber subscriber) throws Exception {
        TestSubscriber.Received received = subscriber.received().poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "no presence message within " + PATIENCE);
        return (Presence) CBOR.decode(received.payload(), KioskMessage.class);
    }

    @Test
    void eachConnectionSaysOnlineAndAnOrderlyCloseSendsItsWillOffline() throws Exception {
        KioskId kiosk = KioskId.of("kiosk-presence-close");
        try (TestSubscriber subscriber = new TestSubscriber(broker, Topics.status(kiosk))) {
            PahoUplink first = new PahoUplink(settings(kiosk.value()), quickReconnect());
            first.start();
            Presence online = next(subscriber);
            assertEquals(new Presence(kiosk, Presence.State.ONLINE, online.connection()), online);
            await().atMost(PATIENCE).until(first::isConnected);

            first.close();
            assertEquals(new Presence(kiosk, Presence.State.OFFLINE, online.connection()), next(subscriber),
                    "an orderly close disconnects with 0x04, so that the MQTT broker publishes the Will");

            // A restart of the agent: a new uplink, the number kept beside the CA file.
            try (PahoUplink second = new PahoUplink(settings(kiosk.value()), quickReconnect())) {
                second.start();
                Presence again = next(subscriber);
                assertEquals(Presence.State.ONLINE, again.state());
                assertTrue(again.connection() > online.connection(), again + " after " + online);
                assertEquals(Long.toString(again.connection()),
                        Files.readString(dir.resolve(ConnectionNumbers.FILE)));
            }
        }
    }

    @Test
    void aConnectionTheServerEndsIsAnnouncedOfflineByItsWillAndTheNextOneOnlineWithAHigherNumber() throws Exception {
        KioskId kiosk = KioskId.of("kiosk-presence-lost");
        try (TestSubscriber subscriber = new TestSubscriber(broker, Topics.status(kiosk));
                PahoUplink uplink = new PahoUplink(settings(kiosk.value()), quickReconnect())) {
            uplink.start();
            Presence online = next(subscriber);
            await().atMost(PATIENCE).until(uplink::isConnected);

            broker.disconnect(kiosk.value());

            assertEquals(new Presence(kiosk, Presence.State.OFFLINE, online.connection()), next(subscriber));
            Presence back = next(subscriber);
            assertEquals(Presence.State.ONLINE, back.state());
            assertTrue(back.connection() > online.connection(), back + " after " + online);
        }
    }

    @Test
    void connectionNumbersGrowWhenTheClockGoesBackAndStartFromTheClockWithoutTheirFile() throws Exception {
        AtomicLong clock = new AtomicLong(1_000);
        Path file = dir.resolve(ConnectionNumbers.FILE);
        assertEquals(1_000, new ConnectionNumbers(file, clock::get).next());
        clock.set(10);
        ConnectionNumbers restarted = new ConnectionNumbers(file, clock::get);
        assertEquals(1_001, restarted.next(), "a clock behind the kept number");
        assertEquals(1_002, restarted.next());
        Files.writeString(file, "garbage");
        assertEquals(10, new ConnectionNumbers(file, clock::get).next(), "an unreadable file: the clock");
    }
}
