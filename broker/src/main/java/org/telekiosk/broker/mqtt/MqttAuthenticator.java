package org.telekiosk.broker.mqtt;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.kiosk.CurrentCertificate;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.Untrusted;
import org.telekiosk.protocol.topic.Topics;

/**
 * Decides who may connect to the embedded MQTT broker, and what each may do. The listener requires a client
 * certificate that chains to our root CA (TLS, RFC 8446 §4.4.2); this authenticator then maps it to an identity:
 * <ul>
 *   <li>a kiosk: a certificate from our issuing CA with {@code CN=<kiosk id>}, the kiosk's current certificate in
 *       the registry, not revoked, not expired (by the injected clock); the MQTT client id must be the kiosk id. It may
 *       publish only to its own measurements, status and commands topics (QoS 1, not retained) and subscribe only to its own
 *       downlink topics ({@code commands}, {@code acks});</li>
 *   <li>a broker node: the service certificate ({@code CN=}{@value BrokerPki#SERVICE_NAME}), client id
 *       {@code telekiosk-broker-…}; it may subscribe to every kiosk's channels in the broker share group, and
 *       publish on every kiosk's downlink topics (store acknowledgements, commands);</li>
 *   <li>anything else is refused with a {@link Refusal} (a certificate that is not current, not authenticated:
 *       CONNACK 0x87 "not authorized"; a client id that does not fit it, invalid: 0x85 "client identifier not
 *       valid", MQTT 5 §3.2.2.2; by {@link MqttReasons#connack}), and everything not granted is denied.</li>
 * </ul>
 * User names and passwords are ignored. Runs on HiveMQ's threads: lookups in memory only; audit entries are handed
 * to the audit log, which must queue them.
 */
final class MqttAuthenticator implements SimpleAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(MqttAuthenticator.class);
    static final String BROKER_CLIENT_PREFIX = "telekiosk-broker-";

    /**
     * The kiosk an authenticated client is, by its client id; empty for the broker nodes' own clients (and for any
     * other id, which this authenticator never admits).
     */
    static java.util.Optional<KioskId> kioskOf(String clientId) {
        if (clientId.startsWith(BROKER_CLIENT_PREFIX)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(KioskId.of(clientId));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
    /** A certificate that is not a current one: CONNACK 0x87 ({@link MqttReasons#connack}). */
    private static final Refusal.Kind CERTIFICATE = Refusal.Kind.NOT_AUTHENTICATED;
    /** A client id that does not fit the certificate: CONNACK 0x85. */
    private static final Refusal.Kind CLIENT_ID = Refusal.Kind.INVALID;

    private final KioskRegistry kiosks;
    private final CurrentCertificate current;
    private final AuditLog audit;
    private final Clock clock;
    private final LongAdder refused = new LongAdder();
    private final PubackAcks pubackAcks;

    MqttAuthenticator(KioskRegistry kiosks, X509Certificate issuingCa, AuditLog audit, Clock clock) {
        this(kiosks, issuingCa, audit, clock, PubackAcks.off());
    }

    /** @param pubackAcks answers a kiosk that asks for its PUBACK as the store acknowledgement */
    MqttAuthenticator(KioskRegistry kiosks, X509Certificate issuingCa, AuditLog audit, Clock clock,
            PubackAcks pubackAcks) {
        this.pubackAcks = java.util.Objects.requireNonNull(pubackAcks, "pubackAcks");
        this.kiosks = kiosks;
        this.current = new CurrentCertificate(issuingCa);
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        String clientId = input.getConnectPacket().getClientId();
        String address = input.getConnectionInformation().getInetAddress().map(a -> a.getHostAddress()).orElse("?");
        Optional<X509Certificate> presented = input.getConnectionInformation().getClientTlsInformation()
                .flatMap(ClientTlsInformation::getClientCertificate);
        if (presented.isEmpty()) {
            refuse(output, clientId, address, "kiosk:unknown", CERTIFICATE,
                    "a client certificate is required");
            return;
        }
        X509Certificate cert = presented.get();
        Instant now = clock.instant();
        CurrentCertificate.Verdict verdict = current.check(cert, kiosks::kiosk, now);
        if (verdict instanceof CurrentCertificate.Rejected no) {
            switch (no.problem()) {
                case OTHER_CA -> {
                    refuse(output, clientId, address, "kiosk:unknown", CERTIFICATE,
                            "certificate not issued by this broker's issuing CA");
                    return;
                }
                case NOT_YET_VALID, EXPIRED -> {
                    refuse(output, clientId, address, "kiosk:" + Untrusted.printable(no.commonName(), 64),
                            CERTIFICATE, "certificate expired at "
                                    + cert.getNotAfter().toInstant() + "; renew, or enroll again");
                    return;
                }
                default -> { }
            }
        }
        // From our issuing CA and within its validity: a broker node's service certificate, or a kiosk's.
        if (BrokerPki.SERVICE_NAME.equals(CurrentCertificate.commonName(cert.getSubjectX500Principal()))) {
            if (!clientId.startsWith(BROKER_CLIENT_PREFIX)) {
                refuse(output, clientId, address, "service", CLIENT_ID,
                        "a broker node's client id starts with " + BROKER_CLIENT_PREFIX);
                return;
            }
            allowBrokerNode(output.getDefaultPermissions());
            output.authenticateSuccessfully();
            return;
        }
        KioskId kiosk;
        switch (verdict) {
            case CurrentCertificate.Current ok -> kiosk = ok.kiosk();
            case CurrentCertificate.Rejected no -> {
                String subject = no.kiosk().map(k -> "kiosk:" + k).orElse("kiosk:unknown");
                refuse(output, clientId, address, subject, CERTIFICATE, switch (no.problem()) {
                    case NOT_A_KIOSK -> "the certificate names no kiosk";
                    case NOT_ENROLLED -> "kiosk not enrolled here";
                    case REVOKED -> "kiosk revoked at " + no.record().orElseThrow().revokedAt();
                    case SUPERSEDED -> "certificate superseded by a newer one";
                    case OTHER_CA, NOT_YET_VALID, EXPIRED -> throw new IllegalStateException("refused above");
                });
                return;
            }
        }
        if (!kiosk.value().equals(clientId)) {
            // Otherwise one kiosk could take over another's session by connecting with its client id.
            refuse(output, clientId, address, "kiosk:" + kiosk, CLIENT_ID,
                    "client id must equal the kiosk id " + kiosk);
            return;
        }
        kiosks.seen(kiosk, now);
        allowKiosk(output.getDefaultPermissions(), kiosk);
        pubackAcks.negotiate(input, output);
        output.authenticateSuccessfully();
    }

    /** How many connection attempts were refused since start. */
    long refusedCount() {
        return refused.sum();
    }

    private void refuse(SimpleAuthOutput output, String clientId, String address, String subject,
            Refusal.Kind kind, String reason) {
        Refusal refusal = kind == CLIENT_ID ? new Refusal.InvalidRequest(reason)
                : new Refusal.KioskCredential(kind, "MQTT connection refused", reason);
        refused.increment();
        LOG.warn("Refused MQTT client '{}' from {}: {}", Untrusted.printable(clientId, 64), address, reason);
        audit.record(new AuditEvent(clock.instant(), AuditActor.client(address), AuditAction.MQTT_CONNECT_REFUSED,
                subject, "client id '" + Untrusted.printable(clientId, 64) + "': " + reason));
        output.failAuthentication(MqttReasons.connack(refusal), reason);
    }

    private static void allowKiosk(ModifiableDefaultPermissions permissions, KioskId kiosk) {
        for (String topic : new String[] {Topics.measurements(kiosk), Topics.status(kiosk),
                Topics.commandUpdates(kiosk)}) {
            permissions.add(Builders.topicPermission()
                    .topicFilter(topic)
                    .type(TopicPermission.PermissionType.ALLOW)
                    .activity(TopicPermission.MqttActivity.PUBLISH)
                    .qos(TopicPermission.Qos.ONE)
                    .retain(TopicPermission.Retain.NOT_RETAINED)
                    .build());
        }
        permissions.add(Builders.topicPermission()
                .topicFilter(Topics.downlink(kiosk))
                .type(TopicPermission.PermissionType.ALLOW)
                .activity(TopicPermission.MqttActivity.SUBSCRIBE)
                .qos(TopicPermission.Qos.ONE)
                .sharedSubscription(TopicPermission.SharedSubscription.NOT_SHARED)
                .build());
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
        // Store acknowledgements (QoS 0, retained) and commands (QoS 1) to kiosks.
        permissions.add(Builders.topicPermission()
                .topicFilter(Topics.allDownlinks())
                .type(TopicPermission.PermissionType.ALLOW)
                .activity(TopicPermission.MqttActivity.PUBLISH)
                .build());
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
    }

}
