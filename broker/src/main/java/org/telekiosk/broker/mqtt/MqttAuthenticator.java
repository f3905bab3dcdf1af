package org.telekiosk.broker.mqtt;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.kiosk.KioskCredentials;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.topic.Topics;

/**
 * Decides who may connect to the embedded MQTT broker, and what each may do (MQTT 5 §4.12 enhanced authentication
 * is not used; user name and password in CONNECT, §3.1.3.5-6, over TLS). Without a registered authenticator
 * HiveMQ's embedded mode lets everybody in; this one refuses whoever it does not know:
 * <ul>
 *   <li>a kiosk: user name and client id are its kiosk id, the password its secret; it may publish only to its own
 *       measurements and status topics, QoS 1, not retained;</li>
 *   <li>a broker node: may subscribe to every kiosk's measurements and status in the broker share group;</li>
 *   <li>anything else is refused with "bad user name or password" (0x86) or "client identifier not valid" (0x85),
 *       and everything not granted is denied.</li>
 * </ul>
 */
final class MqttAuthenticator implements SimpleAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(MqttAuthenticator.class);

    private final KioskCredentials kiosks;
    private final ServiceCredential service;
    private final LongAdder refused = new LongAdder();

    MqttAuthenticator(KioskCredentials kiosks, ServiceCredential service) {
        this.kiosks = kiosks;
        this.service = service;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        String clientId = connect.getClientId();
        Optional<String> username = connect.getUserName();
        Optional<ByteBuffer> password = connect.getPassword();
        if (username.isEmpty() || password.isEmpty()) {
            refuse(output, clientId, ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "credentials required");
            return;
        }
        byte[] secret = new byte[password.get().remaining()];
        password.get().duplicate().get(secret);
        if (service.matches(username.get(), secret)) {
            allowBrokerNode(output.getDefaultPermissions());
            output.authenticateSuccessfully();
            return;
        }
        KioskId kiosk;
        try {
            kiosk = KioskId.of(username.get());
        } catch (IllegalArgumentException notAKioskId) {
            refuse(output, clientId, ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "unknown user");
            return;
        }
        if (!kiosks.verify(kiosk, secret)) {
            refuse(output, clientId, ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad user name or password");
            return;
        }
        if (!kiosk.value().equals(clientId)) {
            // Otherwise one kiosk could take over another's session by connecting with its client id.
            refuse(output, clientId, ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "client id must equal the kiosk id");
            return;
        }
        allowKiosk(output.getDefaultPermissions(), kiosk);
        output.authenticateSuccessfully();
    }

    /** How many connection attempts were refused since start. */
    long refusedCount() {
        return refused.sum();
    }

    private void refuse(SimpleAuthOutput output, String clientId, ConnackReasonCode code, String reason) {
        refused.increment();
        LOG.warn("Refused MQTT client '{}': {}", printable(clientId), reason);
        output.failAuthentication(code, reason);
    }

    private static void allowKiosk(ModifiableDefaultPermissions permissions, KioskId kiosk) {
        for (String topic : new String[] {Topics.measurements(kiosk), Topics.status(kiosk)}) {
            permissions.add(Builders.topicPermission()
                    .topicFilter(topic)
                    .type(TopicPermission.PermissionType.ALLOW)
                    .activity(TopicPermission.MqttActivity.PUBLISH)
                    .qos(TopicPermission.Qos.ONE)
                    .retain(TopicPermission.Retain.NOT_RETAINED)
                    .build());
        }
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
    }

    private static void allowBrokerNode(ModifiableDefaultPermissions permissions) {
        permissions.add(Builders.topicPermission()
                .topicFilter(Topics.allKioskChannels())
                .type(TopicPermission.PermissionType.ALLOW)
                .activity(TopicPermission.MqttActivity.SUBSCRIBE)
                .sharedSubscription(TopicPermission.SharedSubscription.SHARED)
                .sharedGroup(Topics.BROKER_SHARE_GROUP)
                .build());
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
