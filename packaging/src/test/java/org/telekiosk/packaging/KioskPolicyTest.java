package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The kiosk's Chromium policy as kiosk-policy writes it from the broker's origin. */
class KioskPolicyTest {
    private static final Path SCRIPT = Packages.source("edge-agent/files/usr/lib/telekiosk/kiosk-policy");

    @TempDir
    Path dir;

    @Test
    void cameraAndMicrophoneAreGrantedToTheBrokersOriginOnlyAndNothingElseOpens() throws IOException {
        Path policy = dir.resolve("policies/managed/telekiosk.json");
        Packages.run(List.of("sh", SCRIPT.toString(), "https://telekiosk.example.org:8443", policy.toString()));

        JsonNode json = new ObjectMapper().readTree(policy.toFile());
        List<String> origin = List.of("https://telekiosk.example.org:8443");
        assertEquals(origin, strings(json.get("VideoCaptureAllowedUrls")));
        assertEquals(origin, strings(json.get("AudioCaptureAllowedUrls")));
        // false: no prompt anywhere, and capture only for the allowed URLs (Chromium's policy documentation)
        assertFalse(json.get("VideoCaptureAllowed").asBoolean(true));
        assertFalse(json.get("AudioCaptureAllowed").asBoolean(true));
        assertEquals(List.of("*"), strings(json.get("URLBlocklist")));
        assertEquals(origin, strings(json.get("URLAllowlist")));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(policy)), "Chromium reads it as the kiosk user");
        try (var left = Files.list(policy.getParent())) {
            assertEquals(List.of(policy), left.toList(), "no temporary file left");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "http://telekiosk.example.org", "https://telekiosk.example.org/kiosk.html",
        "https://a\",\"b", "https://*", "javascript:alert(1)", "https://host:8443 https://other"})
    void anythingButAnHttpsOriginIsRefusedAndNoPolicyIsWritten(String origin) throws IOException {
        Path policy = dir.resolve("telekiosk.json");
        Packages.Result result = Packages.exec(List.of("sh", SCRIPT.toString(), origin, policy.toString()), Map.of());
        assertEquals(64, result.exitCode(), result.output());
        assertTrue(result.output().contains("must be https://host[:port]"), result.output());
        assertFalse(Files.exists(policy));
    }

    @Test
    void anIpv6OriginIsAccepted() throws IOException {
        Path policy = dir.resolve("telekiosk.json");
        Packages.run(List.of("sh", SCRIPT.toString(), "https://[fd00::5]:8443", policy.toString()));
        assertEquals(List.of("https://[fd00::5]:8443"),
                strings(new ObjectMapper().readTree(policy.toFile()).get("VideoCaptureAllowedUrls")));
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
