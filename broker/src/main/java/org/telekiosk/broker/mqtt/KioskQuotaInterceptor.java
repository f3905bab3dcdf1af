package org.telekiosk.broker.mqtt;

import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import java.time.Duration;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.KioskId;

/**
 * Takes a token of the sending kiosk's {@link PublishQuota} for every PUBLISH it sends, before HiveMQ authorizes or
 * queues it; without one the publish is refused as {@link Refusal.Throttled}, answered PUBACK 0x97 "quota exceeded"
 * (MQTT 5 §3.4.2.1) and delivered to
 * nobody, and the connection stays up. An interceptor and not the {@link KioskTopicAuthorizer}: HiveMQ CE treats every
 * publish after one failed authorization on a connection as failed too ("skip rest") and then disconnects, which
 * would turn one refused publish into a refused connection. Registered per kiosk connection ({@link #forKiosk}); the
 * broker's own client ({@link MqttAuthenticator#BROKER_CLIENT_PREFIX}) has no quota.
 */
final class KioskQuotaInterceptor {
    private final PublishQuota quota;
    /** Throttled until the next token: PUBACK 0x97 ({@link MqttReasons#puback}). */
    private final Refusal overQuota;

    KioskQuotaInterceptor(PublishQuota quota) {
        this.quota = quota;
        this.overQuota = new Refusal.Throttled(quota.tokenInterval());
    }

    /**
     * The interceptor for one kiosk's connection ({@link EmbeddedMqttBroker}'s client initializer, which knows the
     * kiosk from the client id the authenticator checked), so that the client id is not parsed again a publish.
     * Immutable; HiveMQ may call it from any of its threads.
     */
    PublishInboundInterceptor forKiosk(KioskId kiosk) {
        return new KioskPublishes(java.util.Objects.requireNonNull(kiosk, "kiosk"));
    }

    /** One kiosk connection's publishes ({@link #forKiosk}). */
    private final class KioskPublishes implements PublishInboundInterceptor {
        private final KioskId kiosk;

        KioskPublishes(KioskId kiosk) {
            this.kiosk = kiosk;
        }

        @Override
        public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
            refused(kiosk, output);
        }
    }

    /**
     * Takes a token of {@code kiosk}'s quota; without one, prevents the publish's delivery with PUBACK 0x97 and says
     * so. For {@link InProcessIntake}, which checks the quota itself first (one interceptor task a publish, not two).
     */
    boolean refused(KioskId kiosk, PublishInboundOutput output) {
        if (quota.take(kiosk)) {
            return false;
        }
        output.preventPublishDelivery(MqttReasons.puback(overQuota), "over the kiosk's publish quota");
        return true;
    }
}
