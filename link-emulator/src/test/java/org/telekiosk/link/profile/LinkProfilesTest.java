package org.telekiosk.link.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LinkProfilesTest {
    private final LinkProfiles bundled = LinkProfiles.bundled();

    @Test
    void theBundledProfilesAreTheOnesTheIssueAsksFor() {
        assertEquals(List.of("blackout", "edge", "good", "rural-lte", "cut", "flapping"), bundled.names());
        LinkProfile edge = bundled.profile("edge");
        for (DirectionProfile d : List.of(edge.up(), edge.down())) {
            assertEquals(new DirectionProfile(256_000, Duration.ofMillis(150), Duration.ofMillis(30), 0.03, 0), d);
        }
        LinkProfile lte = bundled.profile("rural-lte");
        assertEquals(512_000, lte.up().rateBitsPerSecond());
        assertEquals(2_000_000, lte.down().rateBitsPerSecond());
        assertEquals(Duration.ofMillis(80), lte.down().delay());
        assertEquals(0.01, lte.up().loss(), 1e-12);
        LinkProfile good = bundled.profile("good");
        assertEquals(new DirectionProfile(10_000_000, Duration.ofMillis(20), Duration.ZERO, 0, 0), good.up());
        assertTrue(bundled.profile("blackout").up().blackout());
    }

    @Test
    void flappingAlternatesGoodAndEdgeEveryTwentyToFortySeconds() {
        LinkSchedule flapping = bundled.schedule("flapping", 42);
        long at = 0;
        for (int i = 0; i < 50; i++) {
            LinkSchedule.Segment segment = flapping.segmentAt(at);
            assertEquals(i % 2 == 0 ? "good" : "edge", segment.profile().name());
            long length = segment.endNanos() - segment.startNanos();
            assertTrue(length >= 20_000_000_000L && length <= 40_000_000_000L, "phase of " + length + " ns");
            at = segment.endNanos();
        }
    }

    @Test
    void theCutProfileLosesEverythingForTwentySecondsAfterThirtyGoodOnes() {
        LinkSchedule cut = bundled.schedule("cut", 1);
        assertEquals("good", cut.at(29_999_999_999L).name());
        assertTrue(cut.at(30_000_000_000L).up().blackout());
        assertEquals(50_000_000_000L, cut.nextOpen(30_000_000_000L, Direction.DOWN));
        assertEquals("good", cut.at(50_000_000_000L).name());
    }

    @Test
    void aDirectionsOwnKeyWinsOverTheSharedOne() {
        LinkProfiles profiles = parse("x.delay=10ms\nx.up.delay=70ms\nx.loss=2.5%\nx.down.rate=1.5mbit\n");
        assertEquals(Duration.ofMillis(70), profiles.profile("x").up().delay());
        assertEquals(Duration.ofMillis(10), profiles.profile("x").down().delay());
        assertEquals(0.025, profiles.profile("x").down().loss(), 1e-12);
        assertEquals(1_500_000, profiles.profile("x").down().rateBitsPerSecond());
        assertEquals(0, profiles.profile("x").up().rateBitsPerSecond());
    }

    @Test
    void badInputIsRefusedWithTheKeysName() {
        assertMessage("x.latency", "x.latency=5ms");
        assertMessage("x (up): x.up.loss", "x.loss=120%");
        assertMessage("x.up.delay", "x.delay=fast");
        assertMessage("x.rate", "x.rate=lots");
        assertMessage("'nope' is not a steady profile", "s.phases=nope:5s");
        assertMessage("s.phases", "a.delay=1ms\ns.phases=a:5s..1s");
        assertMessage("s.repeat", "a.delay=1ms\ns.phases=a:5s\ns.repeat=maybe");
        assertMessage("expected <profile>.<key>", "delay=5ms");
        assertThrows(IllegalArgumentException.class, () -> bundled.schedule("moon", 1));
    }

    private static void assertMessage(String expected, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static LinkProfiles parse(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return LinkProfiles.parse(properties);
    }
}
