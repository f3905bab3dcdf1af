package org.telekiosk.hardware.load;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.uplink.CaTrust;
import org.telekiosk.agent.uplink.IdentityKeyManager;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.Topics;

/**
 * The raw ceiling's subscriber of the {@link LoadGenerator}: as the broker's own, in the shared group (persistent
 * session, receive maximum 1000), but plain Paho with its own PUBACKs. Like the broker's subscriber
 * ({@code BrokerMqttClient#watchForStalls}) it reconnects when nothing arrived for 3 s while readings wait (HiveMQ
 * CE's stall of a shared QoS 1 subscription) and counts how often.
 */
final class RawSubscriber implements AutoCloseable {
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    /** Told of every reading that arrived, {@code latencyMicros} after it was complete. */
    interface Arrivals {
        void arrived(boolean spot, long latencyMicros);
    }

    private final MqttClient client;
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raw-stall-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastArrival = System.nanoTime();

    /** @param waiting whether readings were published that have not arrived yet */
    RawSubscriber(AgentConfig any, int rawPort, Arrivals arrivals, BooleanSupplier waiting, LongAdder reconnects)
            throws Exception {
        UplinkSettings s = any.uplink();
        var tls = CaTrust.context(s.caFile(), new IdentityKeyManager(s.identity()));
        client = new MqttClient("ssl://" + s.serverUri().getHost() + ":" + rawPort, "raw-ceiling-subscriber",
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setCleanStart(false);
        options.setSessionExpiryInterval(7L * 24 * 3600);
        options.setReceiveMaximum(1000);
        options.setKeepAliveInterval(30);
        // A callback, not a listener per subscription: Paho matches listeners against the filter with its $share
        // prefix, which no topic matches.
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Instant received = Instant.now();
                lastArrival = System.nanoTime();
                try {
                    switch (CBOR.decode(message.getPayload(), KioskMessage.class)) {
                        case Measurement m -> arrivals.arrived(true, micros(received) - micros(m.takenAt()));
                        case WaveformBatch b ->
                                arrivals.arrived(false, micros(received) - micros(b.start().plus(b.duration())));
                        default -> { }
                    }
                } catch (MalformedMessageException e) {
                    System.err.println("an undecodable payload on " + topic + ": " + e.getMessage());
                }
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
                System.err.println("the raw subscriber was disconnected: " + response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                System.err.println("the raw subscriber's error: " + exception);
            }

            @Override
            public void deliveryComplete(IMqttToken token) { }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) { }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) { }
        });
        client.connect(options);
        client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.allKioskChannelsShared(), 1)});
        watch.scheduleWithFixedDelay(() -> {
            if (waiting.getAsBoolean() && System.nanoTime() - lastArrival > TimeUnit.SECONDS.toNanos(3)) {
                lastArrival = System.nanoTime();
                reconnects.increment();
                try {
                    client.disconnectForcibly(0, 1000, false);
                    client.connect(options);
                    client.subscribe(new MqttSubscription[] {
                        new MqttSubscription(Topics.allKioskChannelsShared(), 1)});
                } catch (MqttException e) {
                    System.err.println("the raw subscriber could not reconnect: " + e);
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    @Override
    public void close() throws MqttException {
        watch.shutdownNow();
        client.disconnectForcibly(1000);
        client.close(true);
    }
}
