package org.telekiosk.broker.mqtt;

import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.Untrusted;
import org.telekiosk.protocol.topic.Topics;

/**
 * Checks every PUBLISH and SUBSCRIBE of a kiosk before the default permissions that {@link MqttAuthenticator} set:
 * a kiosk may publish only to its own {@code measurements}, {@code status} and {@code commands} (its command updates)
 * and subscribe only to its own downlink
 * topics ({@link Topics#downlink}, or one of them: {@code commands}, {@code acks}). A violation is refused as {@link Refusal.Forbidden}, which {@link MqttReasons} answers with reason code 0x87
 * "not authorized" (PUBACK or SUBACK, MQTT 5
 * §3.4.2.1, §3.9.3), logged and audited (at most {@value #AUDITS_PER_MINUTE} entries a minute per kiosk, so that a
 * misbehaving kiosk cannot flood the audit log; the rest are counted). What passes here still has to pass the
 * default permissions (QoS 1, no retain). The client id identifies the kiosk: the authenticator admitted it only as
 * the kiosk its certificate names; broker nodes are left to their default permissions.
 *
 * <p>The audit windows are kept per kiosk only while they count: a window of a minute that is over is equivalent to
 * none ({@link #prune}), and a revoked kiosk's is forgotten ({@link #forget}).
 */
final class KioskTopicAuthorizer implements PublishAuthorizer, SubscriptionAuthorizer, PerKioskState {
    private static final Logger LOG = LoggerFactory.getLogger(KioskTopicAuthorizer.class);
    static final int AUDITS_PER_MINUTE = 10;
    /** Another kiosk's topic, or none of a kiosk's: forbidden, PUBACK or SUBACK 0x87 ({@link MqttReasons}). */
    static final Refusal FOREIGN_TOPIC = new Refusal.Forbidden();

    private final AuditLog audit;
    private final Clock clock;
    private final LongAdder refused = new LongAdder();
    private final LongAdder authorized = new LongAdder();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long minute, int count) {}

    KioskTopicAuthorizer(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
        String clientId = input.getClientInformation().getClientId();
        if (clientId.startsWith(MqttAuthenticator.BROKER_CLIENT_PREFIX)) {
            output.nextExtensionOrDefault();
            return;
        }
        KioskId kiosk = KioskId.of(clientId);
        String topic = input.getPublishPacket().getTopic();
        if (mayPublish(kiosk, topic)) {
            var packet = input.getPublishPacket();
            if (packet.getQos() == Qos.AT_LEAST_ONCE && !packet.getRetain()) {
                // Passes the default permissions too: HiveMQ routes it to the broker's shared subscription.
                authorized.increment();
            }
            output.nextExtensionOrDefault();
            return;
        }
        String reason = "kiosk " + kiosk + " may publish only to its own measurements, status and commands topics";
        refuse(kiosk, "publish to '" + Untrusted.printable(topic, 100) + "'", reason);
        output.failAuthorization(MqttReasons.puback(FOREIGN_TOPIC), reason);
    }

    /**
     * Whether {@code topic} is one a kiosk may publish to: its own {@code measurements}, {@code status} or
     * {@code commands} topic (the in-process intake takes exactly those, {@link InProcessIntake}).
     */
    static boolean mayPublish(KioskId kiosk, String topic) {
        return Topics.isOwnUplink(kiosk, topic);
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
        String clientId = input.getClientInformation().getClientId();
        if (clientId.startsWith(MqttAuthenticator.BROKER_CLIENT_PREFIX)) {
            output.nextExtensionOrDefault();
            return;
        }
        KioskId kiosk = KioskId.of(clientId);
        String filter = input.getSubscription().getTopicFilter();
        if (filter.equals(Topics.downlink(kiosk)) || filter.equals(Topics.commands(kiosk))
                || filter.equals(Topics.acks(kiosk))) {
            output.nextExtensionOrDefault();
            return;
        }
        String reason = "kiosk " + kiosk + " may subscribe only to its own downlink topics";
        refuse(kiosk, "subscribe to '" + Untrusted.printable(filter, 100) + "'", reason);
        output.failAuthorization(MqttReasons.suback(FOREIGN_TOPIC), reason);
    }

    /**
     * Kiosk publishes let through to the kiosk's own topics with QoS 1, not retained (what the default permissions
     * admit too), since start: each is routed to the broker's shared subscription. HiveMQ calls the authorizer after
     * the inbound interceptors, so a publish refused over its quota ({@link KioskQuotaInterceptor}) is not among them.
     */
    long authorizedCount() {
        return authorized.sum();
    }

    /** Publishes and subscriptions refused since start. */
    long refusedCount() {
        return refused.sum();
    }

    /** Drops the windows of minutes that are over (a new minute starts a new window anyway) and of retired kiosks. */
    @Override
    public int prune(Predicate<KioskId> retired) {
        long minute = minute(clock.instant());
        int before = windows.size();
        // Removes an entry only if it still holds the window tested (ConcurrentHashMap's entry set).
        windows.entrySet().removeIf(e -> e.getValue().minute() != minute || retired.test(KioskId.of(e.getKey())));
        return Math.max(0, before - windows.size());
    }

    @Override
    public void forget(KioskId kiosk) {
        windows.remove(kiosk.value());
    }

    @Override
    public int kioskCount() {
        return windows.size();
    }

    private static long minute(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), 60);
    }

    /** Logs and audits a refusal of {@code kiosk}, at most {@value #AUDITS_PER_MINUTE} a minute; counts it. */
    void refuse(KioskId kiosk, String what, String reason) {
        refused.increment();
        Instant now = clock.instant();
        long minute = minute(now);
        Window window = windows.compute(kiosk.value(), (k, w) ->
                w == null || w.minute() != minute ? new Window(minute, 1) : new Window(minute, w.count() + 1));
        if (window.count() <= AUDITS_PER_MINUTE) {
            LOG.warn("Refused {} by kiosk {}: {}", what, kiosk, reason);
            audit.record(new AuditEvent(now, AuditActor.kiosk(kiosk), AuditAction.MQTT_ACCESS_REFUSED,
                    "kiosk:" + kiosk, what));
        }
    }

}
