package org.telekiosk.hardware.load;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.agent.uplink.UplinkException;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * A load kiosk answers commands as the agent does (protocol/README.md, "command"): once per id, {@code EXPIRED} when
 * it arrived too late, otherwise {@code RUNNING} then {@code FAILED} with the agent's reason for a sensor that is not
 * configured; an update not sent goes again after the reconnect. The uplink is a recording fake of the agent's port
 * (the Netty side is {@link NettyUplinkTest}'s); the agent's command worker is a thread, so the test waits with
 * Awaitility.
 */
class LoadCommandsTest {
    private static final KioskId KIOSK = KioskId.of("load-0001");
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private final RecordingUplink uplink = new RecordingUplink();
    private final List<Consumer<Command>> listeners = new ArrayList<>();
    private final ReadingCounters counters = new ReadingCounters();

    @Test
    void eachCommandIsAnsweredOncePerIdRunningThenFailedWithTheAgentsReasonOrExpired() {
        try (LoadCommands answers = new LoadCommands(KIOSK, uplink, listeners::add, counters,
                Clock.fixed(NOW, ZoneOffset.UTC))) {
            Command ecg = new Command(KIOSK, UUID.randomUUID(), CommandKind.ECG, 30, NOW.minusSeconds(5),
                    NOW.plusSeconds(60));
            Command late = new Command(KIOSK, UUID.randomUUID(), CommandKind.WEIGHT, 0, NOW.minusSeconds(120), NOW);
            Command pressure = new Command(KIOSK, UUID.randomUUID(), CommandKind.BLOOD_PRESSURE, 0, NOW,
                    NOW.plusSeconds(60));
            listeners.getFirst().accept(ecg);
            listeners.getFirst().accept(ecg); // redelivered (QoS 1): run once
            listeners.getFirst().accept(late);
            listeners.getFirst().accept(pressure);

            await().until(() -> uplink.published.size() == 5);
            assertEquals(List.of(
                    CommandUpdate.running(KIOSK, ecg.id(), NOW),
                    CommandUpdate.failed(KIOSK, ecg.id(), "ECG: no ECG is configured at this kiosk", NOW),
                    CommandUpdate.expired(KIOSK, late.id(), NOW),
                    CommandUpdate.running(KIOSK, pressure.id(), NOW),
                    CommandUpdate.failed(KIOSK, pressure.id(), "blood-pressure monitor: no blood-pressure monitor is"
                            + " configured (sensor.bp-monitor.enabled), or the sampler is not running", NOW)),
                    uplink.published);
            assertEquals(4, counters.commands.sum(), "received, the redelivery included");
            await().until(() -> counters.commandUpdates.sum() == 5);
        }
    }

    @Test
    void anUpdateThatCouldNotBeSentGoesAgainAfterTheReconnect() {
        uplink.connected = false;
        try (LoadCommands answers = new LoadCommands(KIOSK, uplink, listeners::add, counters,
                Clock.fixed(NOW, ZoneOffset.UTC))) {
            Command temperature = new Command(KIOSK, UUID.randomUUID(), CommandKind.TEMPERATURE, 0, NOW,
                    NOW.plusSeconds(60));
            listeners.getFirst().accept(temperature);
            // RUNNING refused, then tried again (and refused) when FAILED is queued behind it: the worker is done
            await().until(() -> uplink.refused.size() == 2);
            assertEquals(List.of(), uplink.published);

            uplink.connected = true;
            uplink.connectedListeners.forEach(Runnable::run);
            await().until(() -> uplink.published.size() == 2);
            assertEquals(List.of(CommandUpdate.running(KIOSK, temperature.id(), NOW),
                    CommandUpdate.failed(KIOSK, temperature.id(), "thermometer: no sensor mlx90614 is configured", NOW)),
                    uplink.published);
            assertEquals(2, counters.commandUpdates.sum());
        }
    }

    /** The agent's uplink port, recording what it was asked to publish; PUBACKs at once while "connected". */
    private static final class RecordingUplink implements Uplink {
        final List<KioskMessage> published = new CopyOnWriteArrayList<>();
        final List<KioskMessage> refused = new CopyOnWriteArrayList<>();
        final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
        volatile boolean connected = true;

        @Override
        public void start() {
        }

        @Override
        public CompletableFuture<Void> publish(KioskMessage message) {
            if (!connected) {
                refused.add(message);
                return CompletableFuture.failedFuture(new UplinkException(UplinkException.Reason.DISCONNECTED,
                        "not connected", null));
            }
            published.add(message);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public void addConnectedListener(Runnable listener) {
            connectedListeners.add(listener);
        }

        @Override
        public void addStoreAckListener(Consumer<StoreAck> listener) {
        }

        @Override
        public void close() {
        }
    }
}
