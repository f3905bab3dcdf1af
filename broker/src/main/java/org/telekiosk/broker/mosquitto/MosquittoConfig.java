package org.telekiosk.broker.mosquitto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.telekiosk.broker.mqtt.MqttPacketLimit;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Pem;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.topic.Topics;

/**
 * Writes what an external Mosquitto (2.0) needs to stand in for the embedded MQTT broker, into one directory:
 * <ul>
 *   <li>{@code mosquitto.conf}: one TLS listener that requires a client certificate from our root CA
 *       ({@code require_certificate}), takes the certificate's CN as user name ({@code use_identity_as_username}),
 *       checks the CRL ({@code crlfile}), refuses anonymous clients, and uses the ACL file;</li>
 *   <li>{@code acl}: pattern ACLs: each kiosk ({@code %u} = its kiosk id) publishes only its measurements,
 *       status and command updates and reads only its own downlink (acks, commands); the broker's service identity reads every kiosk's channels;</li>
 *   <li>{@code ca.pem} (root CA), {@code server.crt} and {@code server.key} (a server certificate for Mosquitto's
 *       host names from our issuing CA; the key 0600), {@code crl.pem} (the current CRL).</li>
 * </ul>
 * Mosquitto cannot require the MQTT client id to equal the certificate's CN (the embedded broker does); the topic
 * ACLs still confine each kiosk to its own topics.
 */
public final class MosquittoConfig {
    static final Duration SERVER_LIFETIME = Duration.ofDays(397);

    /**
     * @param hostNames names and addresses kiosks use to reach Mosquitto (the server certificate covers them)
     * @param bind      address the listener binds
     * @param port      the listener's port
     * @param user      the operating-system user Mosquitto switches to when started as root
     * @param maxPacketBytes the largest MQTT packet accepted ({@link MqttPacketLimit}); larger ones end the
     *                  connection (MQTT 5: DISCONNECT 0x95)
     */
    public record Listener(List<String> hostNames, String bind, int port, String user, int maxPacketBytes) {
        /** With the maximum packet size for the default maximum payload (64 KiB). */
        public Listener(List<String> hostNames, String bind, int port, String user) {
            this(hostNames, bind, port, user, MqttPacketLimit.forPayload(65536));
        }

        public Listener {
            hostNames = List.copyOf(hostNames);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("the Mosquitto port must be 1..65535, was " + port);
            }
            if (!user.matches("[A-Za-z0-9._-]{1,32}")) {
                throw new IllegalArgumentException("not a user name: " + user);
            }
        }
    }

    private MosquittoConfig() {}

    /** Writes every file into {@code out} (made 0700); returns the path of {@code mosquitto.conf}. Blocking. */
    public static Path write(BrokerPki pki, Path out, Listener listener, Instant now) throws IOException {
        Path dir = SecureFiles.ownerOnlyDirectory(out.toAbsolutePath());
        KeyPair keys = pki.issuing().newKeyPair();
        X509Certificate server = pki.issuing().issueServer(keys.getPublic(), listener.hostNames(), now,
                SERVER_LIFETIME);
        SecureFiles.writeSecret(dir.resolve("server.key"), pemKey(keys));
        SecureFiles.writeSecret(dir.resolve("server.crt"), Pem.encode(List.of(server, pki.issuing().certificate())));
        SecureFiles.writeSecret(dir.resolve("ca.pem"), Pem.encode(List.of(pki.caCertificate())));
        copyCrl(pki, dir);
        SecureFiles.writeSecret(dir.resolve("acl"), acl().getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(dir.resolve("data"));
        Path conf = dir.resolve("mosquitto.conf");
        SecureFiles.writeSecret(conf, conf(dir, listener).getBytes(StandardCharsets.UTF_8));
        return conf;
    }

    /**
     * Copies the broker's current CRL ({@code pki/crl.pem}, kept current by the running broker) to {@code out};
     * Mosquitto reads it when it starts (restart it after a revocation). Blocking.
     */
    public static void copyCrl(BrokerPki pki, Path out) throws IOException {
        if (!Files.exists(pki.crlFile())) {
            throw new IOException("no CRL at " + pki.crlFile() + " yet: start the broker once, which publishes it");
        }
        SecureFiles.writeSecret(out.resolve("crl.pem"), Files.readAllBytes(pki.crlFile()));
    }

    static String conf(Path dir, Listener listener) {
        return """
                # Written by 'telekiosk-broker mosquitto-config'; see docs/provisioning.md. Mosquitto 2.0.
                per_listener_settings false
                allow_anonymous false
                user %s

                listener %d %s
                protocol mqtt
                # Mutual TLS: only clients with a certificate from the Telekiosk CA, not on its CRL.
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                crlfile %s
                # TLS 1.2 only with ECDHE, ECDSA and AEAD (TLS 1.3 suites are OpenSSL's, all AEAD).
                ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305

                acl_file %s

                # The largest packet accepted: the largest measurement payload plus headers. Announced in CONNACK
                # (MQTT 5 Maximum Packet Size); a larger packet ends the connection before it is held in memory.
                max_packet_size %d

                # Store acknowledgements are retained (protocol/README.md, store-ack): a reconnecting kiosk gets its
                # latest one when it subscribes, before it sends anything.
                retain_available true

                # Keep sessions, queued QoS 1 messages and retained messages across restarts (saved at a clean stop
                # and every autosave_interval seconds; a crash loses what came since the last save, which kiosks
                # survive: they resend, and the store keeps one copy), and do not drop messages for a slow subscriber.
                persistence true
                persistence_location %s/
                autosave_interval 60
                max_queued_messages 100000
                """.formatted(listener.user(), listener.port(), listener.bind(), dir.resolve("ca.pem"),
                dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("crl.pem"), dir.resolve("acl"),
                listener.maxPacketBytes(), dir.resolve("data"));
    }

    static String acl() {
        KioskId placeholder = KioskId.of("kiosk-placeholder");
        String measurements = Topics.measurements(placeholder).replace(placeholder.value(), "%u");
        String status = Topics.status(placeholder).replace(placeholder.value(), "%u");
        String updates = Topics.commandUpdates(placeholder).replace(placeholder.value(), "%u");
        String downlink = Topics.downlink(placeholder).replace(placeholder.value(), "%u");
        return """
                # Written by 'telekiosk-broker mosquitto-config'. User names are the CNs of client certificates.

                # Broker nodes (the broker's service certificate): read every kiosk channel, also shared; write every
                # kiosk's downlink (store acknowledgements, commands); read and write what the nodes relay to each
                # other (stored vitals, commands' states; docs/scale-out.md), which no kiosk may.
                user %s
                topic read %s
                topic read $share/%s/%s
                topic write %s
                topic readwrite %s

                # Every kiosk (user name = kiosk id): publish its own measurements, status and command updates, read
                # its own downlink.
                pattern write %s
                pattern write %s
                pattern write %s
                pattern read %s
                """.formatted(BrokerPki.SERVICE_NAME, Topics.allKioskChannels(), Topics.BROKER_SHARE_GROUP,
                Topics.allKioskChannels(), Topics.allDownlinks(), Topics.allRelayed(), measurements, status, updates, downlink);
    }

    /** PKCS#8 PEM (RFC 7468 §10, "PRIVATE KEY"), which OpenSSL reads with the curve named. */
    private static byte[] pemKey(KeyPair keys) {
        return ("-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
