package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.testing.HiveMqNettyStop;

/**
 * A real broker started with {@code TELEKIOSK_KEYSTORE_PASSWORD} set: afterwards no file under its data directory
 * contains that password, and the password HiveMQ's generated configuration does hold opens only the MQTT listener's
 * own key stores.
 */
class GeneratedFilesSecretTest {
    static final String PASSWORD = "Kx7-never-on-disk-" + System.nanoTime();

    @TempDir
    static Path data;
    static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = HiveMqNettyStop.apply(Broker.start(BrokerConfigLoader.load(Optional.empty(), Map.of("data.dir",
                data.toString(), "https.bind", "127.0.0.1", "https.port", "0", "mqtt.bind", "127.0.0.1", "mqtt.port",
                "0", "metrics.port", "0")), Clock.systemUTC(), Map.of(KeystorePassword.ENV, PASSWORD)));
        Awaitility.await("broker's own MQTT client connected over the listener's TLS").atMost(Duration.ofSeconds(30))
                .until(broker::isReady);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void noFileUnderTheDataDirectoryContainsTheKeyStorePassword() throws Exception {
        byte[] needle = PASSWORD.getBytes(StandardCharsets.UTF_8);
        List<Path> holding = new ArrayList<>();
        List<Path> files;
        try (var walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            if (contains(Files.readAllBytes(file), needle)) {
                holding.add(data.relativize(file));
            }
        }
        assertTrue(files.size() > 5, "scanned " + files);
        assertEquals(List.of(), holding);
    }

    @Test
    void theStoresDatabaseFilesAreReadableByTheOwnerOnly() throws Exception {
        List<Path> files;
        try (var list = Files.list(data.resolve("store"))) {
            files = list.filter(f -> f.getFileName().toString().startsWith("telekiosk.db")).toList();
        }
        assertTrue(files.size() >= 2, "the database and its WAL: " + files);
        for (Path file : files) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    file.toString());
        }
    }

    @Test
    void theListenersPasswordOpensOnlyTheListenersKeyStores() throws Exception {
        Path conf = data.resolve("mqtt/conf/config.xml");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        Matcher m = Pattern.compile("<password>([^<]+)</password>").matcher(Files.readString(conf));
        assertTrue(m.find(), "config.xml names a key store password");
        char[] listener = m.group(1).toCharArray();
        assertFalse(m.group(1).equals(PASSWORD));

        load(data.resolve("mqtt/conf/mqtt-listener.p12"), listener);
        for (String own : List.of("root-ca.p12", "issuing-ca.p12", "server.p12", "service.p12")) {
            assertThrows(java.io.IOException.class, () -> load(data.resolve("pki").resolve(own), listener), own);
        }
    }

    private static void load(Path file, char[] password) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore.getInstance("PKCS12").load(in, password);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
