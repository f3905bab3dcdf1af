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
 * would turn one refused publish into a refused connection. The broker's own client ({@link
 * MqttAuthenticator#BROKER_CLIENT_PREFIX}) has no quota.
 */
final class KioskQuotaInterceptor implements PublishInboundInterceptor {
    private final PublishQuota quota;
    /** Throttled until the next token: PUBACK 0x97 ({@link MqttReasons#puback}). */
    private final Refusal overQuota;

    KioskQuotaInterceptor(PublishQuota quota) {
        this.quota = quota;
        this.overQuota = new Refusal.Throttled(quota.tokenInterval());
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        java.util.Optional<KioskId> client = MqttAuthenticator.kioskOf(input.getClientInformation().getClientId());
        if (client.isEmpty()) {
            return; // a broker node's own client
        }
        refused(client.get(), output);
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
