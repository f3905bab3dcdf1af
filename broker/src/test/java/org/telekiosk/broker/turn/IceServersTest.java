package org.telekiosk.broker.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.signaling.IceServer;

class IceServersTest {
    private final MutableClock clock = MutableClock.startingAt("2026-03-02T08:00:00Z");
    private final IceConfig config = new IceConfig(List.of("stun:turn.example:3478"),
            List.of("turn:turn.example:3478?transport=udp", "turns:turn.example:5349"), "all", Duration.ofHours(1),
            Optional.empty());

    @Test
    void theCredentialIsTheRestApiDraftsHmacOfTheExpiryAndParticipant() {
        IceServers servers = new IceServers(config, Optional.of(TurnSecret.of("north-wind-0123456789")), clock);
        List<IceServer> issued = servers.issue("p-1");
        assertEquals(List.of("stun:turn.example:3478"), issued.get(0).urls());
        IceServer turn = issued.get(1);
        long expiry = clock.instant().plus(Duration.ofHours(1)).getEpochSecond();
        assertEquals(expiry + ":p-1", turn.username());
        // base64(HMAC-SHA1("north-wind-0123456789", "1772442000:p-1")), computed independently with
        // printf '1772442000:p-1' | openssl dgst -sha1 -hmac north-wind-0123456789 -binary | base64
        assertEquals(1772442000L, expiry);
        assertEquals("T+t+OnhT/KNsVpNysSN4zDGI5YM=", turn.credential());
    }

    @Test
    void credentialsArePerParticipantAndExpireWithTheClock() {
        IceServers servers = new IceServers(config, Optional.of(TurnSecret.of("north-wind-0123456789")), clock);
        assertFalse(servers.issue("p-1").get(1).credential().equals(servers.issue("p-2").get(1).credential()));
        String before = servers.issue("p-1").get(1).username();
        clock.advance(Duration.ofMinutes(5));
        assertFalse(before.equals(servers.issue("p-1").get(1).username()), "a later issue expires later");
    }

    @Test
    void turnUrlsWithoutASecretAreRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IceServers(config, Optional.empty(), clock));
        assertTrue(e.getMessage().contains(TurnSecret.ENV), e.getMessage());
    }

    @Test
    void noServersConfiguredMeansHostCandidatesOnly() {
        assertEquals(List.of(), new IceServers(IceConfig.none(), Optional.empty(), clock).issue("p-1"));
    }

    @Test
    void theSecretComesFromItsFileOrTheEnvironmentAndNeverPrintsItself(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, "from-the-file-0123456789\nignored");
        TurnSecret fromFile = TurnSecret.resolve(Optional.of(file), Map.of()).orElseThrow();
        assertEquals(TurnSecret.of("from-the-file-0123456789"), fromFile);
        assertEquals(TurnSecret.of("from-the-environment-012"),
                TurnSecret.resolve(Optional.empty(), Map.of(TurnSecret.ENV, "from-the-environment-012")).orElseThrow());
        assertTrue(TurnSecret.resolve(Optional.empty(), Map.of()).isEmpty());
        assertFalse(fromFile.toString().contains("from-the-file"));
    }

    @Test
    void badIceSettingsNameTheirKey() {
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class, () -> new IceConfig(List.of(),
                List.of("http://turn.example"), "all", Duration.ofHours(1), Optional.empty()));
        assertTrue(url.getMessage().startsWith("ice.turn-urls"), url.getMessage());
        IllegalArgumentException relay = assertThrows(IllegalArgumentException.class, () -> new IceConfig(List.of(),
                List.of(), "relay", Duration.ofHours(1), Optional.empty()));
        assertTrue(relay.getMessage().contains("ice.transport-policy"), relay.getMessage());
        IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class, () -> new IceConfig(List.of(),
                List.of(), "all", Duration.ofDays(2), Optional.empty()));
        assertTrue(ttl.getMessage().startsWith("turn.credential-ttl"), ttl.getMessage());
    }

    @Test
    void oneTurnHostIsOfferedOverUdpTcpAndTlsOn443WithTheSameCredentials() {
        IceConfig derived = new IceConfig(List.of(), IceConfig.turnUrls("turn.example", 3478, 443), "relay",
                Duration.ofHours(1), Optional.empty());
        List<IceServer> issued = new IceServers(derived, Optional.of(TurnSecret.of("north-wind-0123456789")), clock)
                .issue("p-1");
        assertEquals(1, issued.size(), "one server entry: one user name and credential for all three URLs");
        assertEquals(List.of("turn:turn.example:3478?transport=udp", "turn:turn.example:3478?transport=tcp",
                "turns:turn.example:443?transport=tcp"), issued.getFirst().urls());
        assertEquals("T+t+OnhT/KNsVpNysSN4zDGI5YM=", issued.getFirst().credential());
        assertEquals(List.of("turn:10.0.0.7:3479?transport=udp", "turn:10.0.0.7:3479?transport=tcp"),
                IceConfig.turnUrls("10.0.0.7", 3479, 0), "turns-port 0: no TLS URL");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IceConfig.turnUrls("turn.example", 0, 443))
                .getMessage().startsWith("ice.turn-port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IceConfig.turnUrls("t", 3478, 70_000))
                .getMessage().startsWith("ice.turns-port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IceConfig.turnUrls("a b", 3478, 443))
                .getMessage().startsWith("ice.turn-host"));
    }
}
