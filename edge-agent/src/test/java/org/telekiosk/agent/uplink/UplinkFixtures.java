package org.telekiosk.agent.uplink;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.retry.ReconnectPolicy;
import org.telekiosk.protocol.telemetry.Measurement;

/** Shared pieces of the uplink tests. */
final class UplinkFixtures {
    private UplinkFixtures() {}

    static UplinkSettings settings(EmbeddedBroker broker, String kiosk, int window) {
        return new UplinkSettings(broker.uri(), KioskId.of(kiosk), MqttPassword.of(broker.passwordOf(kiosk)),
                broker.caPem(), Duration.ofDays(1), window, Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    /** Backoff short enough for tests, still exponential and jittered. */
    static ReconnectPolicy quickReconnect() {
        return new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(200), new SplittableRandom(42));
    }

    static Measurement measurement(String kiosk, long seq) {
        return new Measurement(KioskId.of(kiosk), seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                36.5 + seq / 1000.0, UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:15:30Z").plusSeconds(seq));
    }

    /** The {@link UplinkException} a failed future completed with. */
    static UplinkException failure(CompletableFuture<Void> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UplinkException uplink) {
                return uplink;
            }
            throw new AssertionError("failed with something else than UplinkException", e.getCause());
        }
        throw new AssertionError("the publish did not fail");
    }

    /** Live threads of the uplink of {@code kiosk}: ours, and Paho's while it has renamed them. */
    static List<Thread> uplinkThreads(String kiosk) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("telekiosk-uplink")
                        || (t.getName().startsWith("MQTT ") && t.getName().endsWith(": " + kiosk)))
                .toList();
    }
}
