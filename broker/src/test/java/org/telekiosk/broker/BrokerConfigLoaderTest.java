package org.telekiosk.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.config.VitalRanges;
import org.telekiosk.broker.signaling.SignalingConfig;
import org.telekiosk.broker.turn.IceConfig;

class BrokerConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultsLoadAndDeriveOriginsFromHostNames() throws Exception {
        BrokerConfig config = BrokerConfigLoader.load(Optional.empty(), Map.of());
        assertEquals(8443, config.httpsPort());
        assertEquals(List.of("https://localhost:8443", "https://127.0.0.1:8443"),
                config.effectiveOrigins(8443, List.of()));
        assertEquals(List.of("https://localhost:8443", "https://127.0.0.1:8443", "https://kiosk-host:8443",
                "https://[0:0:0:0:0:0:0:1]:8443"), config.effectiveOrigins(8443, List.of("localhost", "Kiosk-Host",
                "0:0:0:0:0:0:0:1")), "every name the certificate covers is an origin, once");
        assertEquals(List.of("https://localhost", "https://127.0.0.1"), config.effectiveOrigins(443, List.of()));
    }

    @Test
    void aFileOverridesDefaultsAndTheCommandLineOverridesTheFile() throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "https.port=9443\nmqtt.port=9883\n");
        BrokerConfig config = BrokerConfigLoader.load(Optional.of(file), Map.of("https.port", "10443"));
        assertEquals(10443, config.httpsPort());
        assertEquals(9883, config.mqttPort());
    }

    @Test
    void theEmbeddedMqttBrokerIsTheDefaultAndAnExternalOneIsValidated() throws Exception {
        assertTrue(!BrokerConfigLoader.load(Optional.empty(), Map.of()).externalMqtt().enabled());
        BrokerConfig external = BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.external-host",
                " mqtt.example ", "mqtt.external-port", "18883"));
        assertEquals("ssl://mqtt.example:18883", external.externalMqtt().uri());
        assertEquals("ssl://[::1]:8883", BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.external-host",
                "::1")).externalMqtt().uri());
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class, () -> BrokerConfigLoader.load(
                Optional.empty(), Map.of("mqtt.external-host", "mqtt.example/x")));
        assertTrue(host.getMessage().startsWith("mqtt.external-host: 'mqtt.example/x'"), host.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> BrokerConfigLoader.load(
                Optional.empty(), Map.of("mqtt.external-host", "mqtt.example", "mqtt.external-port", "0")));
        assertEquals("mqtt.external-port must be 1..65535, was 0", port.getMessage());
    }

    @Test
    void theIntakeIsInProcessByDefaultWithTheEmbeddedMqttBrokerAndTheSubscriptionWithAnExternalOne() throws Exception {
        assertEquals(BrokerConfig.MqttIntake.IN_PROCESS,
                BrokerConfigLoader.load(Optional.empty(), Map.of()).mqttIntake());
        assertEquals(BrokerConfig.MqttIntake.SUBSCRIPTION, BrokerConfigLoader.load(Optional.empty(),
                Map.of("mqtt.external-host", "mqtt.example")).mqttIntake());
        assertEquals(BrokerConfig.MqttIntake.SUBSCRIPTION, BrokerConfigLoader.load(Optional.empty(),
                Map.of("mqtt.intake", "subscription")).mqttIntake());
        assertEquals(BrokerConfig.MqttIntake.IN_PROCESS, BrokerConfigLoader.load(Optional.empty(),
                Map.of("mqtt.intake", " in-process ")).mqttIntake());
        assertEquals(BrokerConfig.MqttIntake.SUBSCRIPTION, BrokerConfigLoader.load(Optional.empty(),
                Map.of("mqtt.intake", "subscription", "mqtt.external-host", "mqtt.example")).mqttIntake());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> BrokerConfigLoader.load(
                Optional.empty(), Map.of("mqtt.intake", "inprocess")));
        assertEquals("mqtt.intake must be auto, subscription or in-process, was 'inprocess'", unknown.getMessage());
        IllegalArgumentException external = assertThrows(IllegalArgumentException.class, () -> BrokerConfigLoader
                .load(Optional.empty(), Map.of("mqtt.intake", "in-process", "mqtt.external-host", "mqtt.example")));
        assertTrue(external.getMessage().startsWith("mqtt.intake=in-process takes the kiosks' publishes inside the"
                + " embedded MQTT broker"), external.getMessage());
    }

    @Test
    void theStallWatchChecksEveryFiveSecondsUnlessConfigured() throws Exception {
        assertEquals(java.time.Duration.ofSeconds(5),
                BrokerConfigLoader.load(Optional.empty(), Map.of()).mqttStallCheck());
        assertEquals(java.time.Duration.ofSeconds(1), BrokerConfigLoader.load(Optional.empty(),
                Map.of("mqtt.stall-check-interval", "PT1S")).mqttStallCheck());
    }

    @Test
    void anUnknownKeyIsRefusedWithItsName() throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "https.prot=9443\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.of(file), Map.of()));
        assertTrue(e.getMessage().contains("https.prot"), e.getMessage());
    }

    @Test
    void outOfRangeValuesNameTheKeyAndTheRange() {
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("https.port", "70000")));
        assertEquals("https.port must be 0..65535, was 70000", port.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.receive-maximum", "lots")));
        assertEquals("mqtt.receive-maximum must be a whole number, was 'lots'", text.getMessage());
        IllegalArgumentException intake = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.intake-connections", "0")));
        assertTrue(intake.getMessage().contains("mqtt.intake-connections"), intake.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.intake-connections", "9")));
        IllegalArgumentException handshake = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.tls-handshake-timeout", "PT0.5S")));
        assertEquals("mqtt.tls-handshake-timeout must be PT1S..PT5M, was PT0.5S", handshake.getMessage());
        IllegalArgumentException stallCheck = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.stall-check-interval", "PT0.5S")));
        assertEquals("mqtt.stall-check-interval must be PT1S..PT5M, was PT0.5S", stallCheck.getMessage());
        IllegalArgumentException origin = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("https.allowed-origins", "https://a.example/")));
        assertTrue(origin.getMessage().contains("https.allowed-origins"), origin.getMessage());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("https.port", "9000", "mqtt.port", "9000")));
        assertTrue(same.getMessage().contains("must differ"), same.getMessage());
    }

    @Test
    void theStoreDefaultsToSqliteInTheDataDirectoryAndItsKeysAreValidated() throws Exception {
        BrokerConfig config = BrokerConfigLoader.load(Optional.empty(), Map.of("data.dir", "/var/lib/tk"));
        assertEquals("", config.storeUrl());
        assertEquals(java.nio.file.Path.of("/var/lib/tk/store/telekiosk.db"), config.defaultStoreFile());
        assertEquals(java.time.Duration.ofHours(6), config.storeGapTimeout());

        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("store.url", "jdbc:mysql://db/tk")));
        assertTrue(url.getMessage().startsWith("store.url must be"), url.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("store.gap-timeout", "6 hours")));
        assertTrue(timeout.getMessage().startsWith("store.gap-timeout must be an ISO-8601 duration"),
                timeout.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("store.gap-timeout", "PT0S")));
        assertEquals("store.gap-timeout must be PT1S..P30D, was PT0S", range.getMessage());

        assertEquals(java.time.Duration.ofSeconds(1), config.storeAckInterval());
        assertEquals(java.time.Duration.ofMillis(250), BrokerConfigLoader.load(Optional.empty(),
                Map.of("store.ack-interval", "PT0.25S")).storeAckInterval());
        IllegalArgumentException ack = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("store.ack-interval", "PT0.05S")));
        assertEquals("store.ack-interval must be PT0.1S..PT10S, was PT0.05S", ack.getMessage());

        assertEquals(java.time.Duration.ofMillis(5), config.storeCommitDelay());
        assertEquals(java.time.Duration.ZERO, BrokerConfigLoader.load(Optional.empty(),
                Map.of("store.commit-delay", "PT0S")).storeCommitDelay());
        IllegalArgumentException delay = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("store.commit-delay", "PT0.1S")));
        assertEquals("store.commit-delay must be PT0S..PT0.05S, was PT0.1S", delay.getMessage());
    }

    @Test
    void theAccessKeysHaveTheirDocumentedDefaultsAndOutOfRangeValuesNameTheKey() throws Exception {
        var access = BrokerConfigLoader.load(Optional.empty(), Map.of()).access();
        assertEquals(java.time.Duration.ofHours(12), access.sessionAbsoluteLifetime());
        assertEquals(java.time.Duration.ofMinutes(30), access.sessionIdleTimeout());
        assertEquals(java.time.Duration.ofHours(24), access.accessWindow());
        assertEquals(java.time.Duration.ofHours(24), access.codeLifetime());
        assertEquals(java.time.Duration.ofSeconds(60), access.seatGracePeriod());
        assertEquals(java.time.Duration.ofDays(90), access.auditRetention());
        assertEquals(java.time.Duration.ofMinutes(1), access.purgeInterval());
        assertEquals(2, access.apiMaxConcurrentHashes());

        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("consultation.access-window", "P31D")));
        assertEquals("consultation.access-window must be PT1S..PT720H, was PT744H", window.getMessage());
        IllegalArgumentException idle = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("session.idle-timeout", "PT13H")));
        assertTrue(idle.getMessage().startsWith("session.idle-timeout must be"), idle.getMessage());
        IllegalArgumentException hashes = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("api.max-concurrent-hashes", "0")));
        assertEquals("api.max-concurrent-hashes must be 1..64, was 0", hashes.getMessage());

        // The record and its consultation: three months at most (KBV Anlage 31b), configurable lower.
        assertEquals(java.time.Duration.ofDays(90), access.consultationRetention());
        assertEquals(java.time.Duration.ofDays(7), BrokerConfigLoader.load(Optional.empty(),
                Map.of("consultation.retention", "P7D")).access().consultationRetention());
        IllegalArgumentException retention = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("consultation.retention", "P91D")));
        assertTrue(retention.getMessage().startsWith("consultation.retention must be"), retention.getMessage());
    }

    @Test
    void signalingAndIceKeysHaveCommentedDefaultsAndAreValidated() throws Exception {
        BrokerConfig config = BrokerConfigLoader.load(Optional.empty(), Map.of());
        assertEquals(new SignalingConfig(65_536, 20, 200, 256, 16), config.signaling());
        assertEquals(IceConfig.none(), config.ice());
        BrokerConfig relay = BrokerConfigLoader.load(Optional.empty(), Map.of(
                "ice.turn-urls", "turn:turn.example:3478?transport=udp", "ice.transport-policy", "relay",
                "turn.secret-file", "/etc/telekiosk/turn-secret", "turn.credential-ttl", "PT10M"));
        assertEquals(java.util.List.of("turn:turn.example:3478?transport=udp"), relay.ice().turnUrls());
        assertEquals(Optional.of(java.nio.file.Path.of("/etc/telekiosk/turn-secret")), relay.ice().secretFile());
        BrokerConfig byHost = BrokerConfigLoader.load(Optional.empty(), Map.of("ice.turn-host", "turn.example",
                "turn.secret-file", "/etc/telekiosk/turn-secret"));
        assertEquals(java.util.List.of("turn:turn.example:3478?transport=udp", "turn:turn.example:3478?transport=tcp",
                "turns:turn.example:443?transport=tcp"), byHost.ice().turnUrls(), "defaults: 3478 and 443");
        IllegalArgumentException both = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("ice.turn-host", "turn.example",
                        "ice.turn-urls", "turn:turn.example:3478")));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        IllegalArgumentException rate = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("signal.rate-per-second", "0")));
        assertTrue(rate.getMessage().startsWith("signal.rate-per-second"), rate.getMessage());
    }

    @Test
    void vitalRangesLoadPerLoincCodeAndBadOnesNameTheirKey() throws Exception {
        BrokerConfig config = BrokerConfigLoader.load(Optional.empty(), Map.of("vitals.range.8867-4", "40..120",
                "vitals.stale-after", "PT5M"));
        assertEquals(new VitalRanges.Range(40, 120), config.vitals().ranges().get("8867-4"));
        assertEquals(new VitalRanges.Range(94, 100), config.vitals().ranges().get("59408-5"));
        assertTrue(!config.vitals().ranges().containsKey("29463-7"), "weight has no range by default");
        assertEquals(300, config.vitals().view().staleAfterSeconds());

        IllegalArgumentException reversed = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("vitals.range.8867-4", "110..50")));
        assertTrue(reversed.getMessage().startsWith("vitals.range.8867-4 must be 'low..high'"), reversed.getMessage());
        IllegalArgumentException words = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("vitals.range.8310-5", "normal")));
        assertTrue(words.getMessage().contains("vitals.range.8310-5"), words.getMessage());
        IllegalArgumentException unknownCode = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("vitals.range.1234-5", "1..2")));
        assertTrue(unknownCode.getMessage().contains("vitals.range.1234-5"), unknownCode.getMessage());
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("vitals.stale-after", "PT1S")));
        assertTrue(stale.getMessage().startsWith("vitals.stale-after must be PT10S..P1D"), stale.getMessage());
    }

    @Test
    void theAbuseLimitsHaveTheirDocumentedDefaultsAndAreConfigurable() throws Exception {
        BrokerConfig defaults = BrokerConfigLoader.load(Optional.empty(), Map.of());
        assertEquals(org.telekiosk.broker.config.HttpLimits.DEFAULTS, defaults.httpLimits());
        assertEquals(new org.telekiosk.broker.config.HttpLimits(256, java.time.Duration.ofSeconds(20), 16, 32,
                java.time.Duration.ofSeconds(1)),
                defaults.httpLimits());
        assertEquals(org.telekiosk.broker.config.Lockouts.DEFAULTS, defaults.lockouts());
        assertEquals(new org.telekiosk.broker.account.LockoutPolicy(5, java.time.Duration.ofSeconds(30),
                java.time.Duration.ofMinutes(15), java.time.Duration.ofHours(24), 100_000), defaults.lockouts().login());
        assertEquals(16, defaults.signaling().maxSocketsPerAccount());

        BrokerConfig set = BrokerConfigLoader.load(Optional.empty(), Map.of("https.max-connections-per-address", "4",
                "https.request-deadline", "PT5S", "https.max-pipelined-requests", "2", "api.max-logins-in-progress",
                "3", "login.lockout.free-failures", "2", "join-code.lockout.max", "PT1H",
                "join-code.guard.wrong-codes", "50", "signal.max-sockets-per-account", "4", "https.refusal-pause", "PT0S"));
        assertEquals(new org.telekiosk.broker.config.HttpLimits(4, java.time.Duration.ofSeconds(5), 2, 3,
                java.time.Duration.ZERO),
                set.httpLimits());
        assertEquals(2, set.lockouts().login().freeFailures());
        assertEquals(java.time.Duration.ofHours(1), set.lockouts().joinCode().maxLockout());
        assertEquals(50, set.lockouts().guardWrongCodes());
        assertEquals(4, set.signaling().maxSocketsPerAccount());
    }

    @Test
    void badAbuseLimitsAreRefusedNamingTheirKey() {
        Map<String, String> bad = Map.ofEntries(Map.entry("https.max-connections-per-address", "0"),
                Map.entry("https.request-deadline", "PT0S"),
                Map.entry("https.max-pipelined-requests", "1001"),
                Map.entry("api.max-logins-in-progress", "many"),
                Map.entry("login.lockout.free-failures", "0"),
                Map.entry("login.lockout.first", "PT1H"),
                Map.entry("join-code.lockout.max", "P2D"),
                Map.entry("join-code.guard.window", "PT1S"),
                Map.entry("join-code.guard.delay", "PT2H"),
                Map.entry("signal.max-sockets-per-account", "0"),
                Map.entry("https.refusal-pause", "PT11S"));
        for (Map.Entry<String, String> entry : bad.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BrokerConfigLoader.load(Optional.empty(), Map.of(entry.getKey(), entry.getValue())),
                    entry.toString());
            assertTrue(e instanceof org.telekiosk.broker.config.ConfigException, entry + ": " + e);
            String prefix = entry.getKey().startsWith("login.lockout") || entry.getKey().startsWith("join-code.lockout")
                    ? entry.getKey().substring(0, entry.getKey().lastIndexOf('.')) : entry.getKey();
            assertTrue(e.getMessage().contains(prefix), entry + ": " + e.getMessage());
        }
    }

    @Test
    void twoIntakeConnectionsByDefault() throws Exception {
        assertEquals(2, BrokerConfigLoader.load(Optional.empty(), Map.of()).mqttIntakeConnections());
        assertEquals(1, BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.intake-connections", "1"))
                .mqttIntakeConnections());
    }
}
