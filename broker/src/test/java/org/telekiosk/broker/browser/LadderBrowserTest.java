package org.telekiosk.broker.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;

/**
 * The degradation ladder's decisions ({@code ladder.js}, as the broker serves it) on synthetic, seeded link series,
 * one sample a second, run in headless Chromium in one script call ({@code browser/ladder-scenarios.js}): down on
 * {@code edge}, straight to text on a cut and back to the rung before it when media arrives again, back up one rung
 * at a time with hysteresis after a bad link, at most one change per 10 s
 * on {@code flapping} (and on a flap far faster than any profile), a pinned rung held, the samples read from
 * {@code getStats()} reports, Opus asked for in-band FEC and DTX.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class LadderBrowserTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    private static Chromium browser;
    private static JsonNode results;

    @BeforeAll
    static void runTheScenarios() throws Exception {
        browser = new Chromium(BROKER.broker().pki().serverChain().getFirst(), List.of());
        CallPages.openSameOrigin(browser, BROKER.origin() + "/healthz");
        String scenarios;
        try (InputStream in = LadderBrowserTest.class.getResourceAsStream("/browser/ladder-scenarios.js")) {
            scenarios = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Object answer = browser.async("(async () => {" + scenarios + "})().catch((e) => done('failed: ' + e"
                + " + ' ' + e.stack));");
        assertTrue(String.valueOf(answer).startsWith("{"), String.valueOf(answer));
        results = new ObjectMapper().readTree((String) answer);
    }

    @AfterAll
    static void closeTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    private static List<String> strings(String field) {
        List<String> list = new ArrayList<>();
        results.get(field).forEach(node -> list.add(node.asText()));
        return list;
    }

    @Test
    void aGoodLinkNeverLeavesFullVideo() {
        assertEquals(0, results.get("steadyGood").asInt(), results.toString());
    }

    @Test
    void edgeStepsDownToSmallVideoOnceAndNoFurtherWithinTenSeconds() {
        assertEquals(List.of("video-low"), strings("edgeChanges"), results.toString());
        long after = results.get("edgeStepDownAfterMs").asLong();
        assertTrue(after >= 4_000 && after <= 10_000, "stepped down " + after + " ms into edge");
        assertTrue(results.get("edgeReason").asText().contains("rtt"), results.get("edgeReason").asText());
    }

    @Test
    void whenEdgeEndsTheLadderClimbsBackToVideo() {
        assertEquals(List.of("video-low", "video"), strings("recoveryChanges"), results.toString());
    }

    @Test
    void aCutGoesStraightToTextAndWhenMediaArrivesAgainTheCallGoesBackToItsRungAtOnce() {
        assertEquals(List.of("text"), strings("cutChanges"), results.toString());
        assertEquals(List.of("text", "video"), strings("climbChanges"), results.toString());
        assertTrue(results.get("climbMinGapMs").asLong() >= 10_000, results.toString());
        assertEquals(List.of("text", "video"), strings("backChanges"), "the sample spanning the cut (its lost"
                + " packets) is no measure of the link: " + results);
        assertEquals(1_000, results.get("backAfterMs").asLong(), "back with the first sample with media: " + results);
    }

    @Test
    void aCutRightAfterABadSpellIsOneStepToTextNotTwo() {
        List<String> changes = strings("edgeThenCutChanges");
        assertEquals(List.of("video-low", "text", "video-low"), changes.subList(0, Math.min(3, changes.size())),
                results.toString());
    }

    @Test
    void afterACutTheCallGoesBackToTheRungItHadBeforeNotHigher() {
        assertEquals(List.of("video-low", "text", "video-low"), strings("edgeCutChanges"), results.toString());
    }

    @Test
    void aLinkThatComesBackWorseAfterACutStepsDownAgainNoSoonerThanTenSeconds() {
        assertEquals(List.of("text", "video", "video-low"), strings("worseAfterChanges"), results.toString());
        assertTrue(results.get("worseAfterMinGapMs").asLong() >= 10_000, results.toString());
    }

    @Test
    void aShortCutWaitsForTheDwellBeforeGoingBack() {
        assertEquals(List.of("text", "video"), strings("shortCutChanges"), results.toString());
        assertTrue(results.get("shortCutMinGapMs").asLong() >= 10_000, results.toString());
    }

    @Test
    void flappingChangesTheRungAtMostOncePerTenSeconds() {
        assertTrue(results.get("flappingChanges").asInt() >= 2, "it does follow the link: " + results);
        assertTrue(results.get("flappingMinGapMs").asLong() >= 10_000, results.toString());
        assertTrue(results.get("fastFlappingChanges").asInt() > 0, results.toString());
        assertTrue(results.get("fastFlappingMinGapMs").asLong() >= 10_000, results.toString());
    }

    @Test
    void aClimbToVideoHoldsWhileTheOutgoingBitrateRampsUpFromTheSmallVideosCap() {
        assertEquals(List.of("video-low", "video"), strings("rampChanges"), results.toString());
    }

    @Test
    void aCallStaysOnVideoWhileItsFirstBitrateEstimateRampsUp() {
        assertEquals(List.of(), strings("startChanges"), results.toString());
    }

    @Test
    void eachFailedClimbDoublesTheWaitBeforeTheNext() {
        List<Long> gaps = new ArrayList<>();
        results.get("thinClimbGapsMs").forEach(node -> gaps.add(node.asLong()));
        assertTrue(gaps.size() >= 3, results.toString());
        for (int i = 1; i < gaps.size(); i++) {
            assertTrue(gaps.get(i) >= gaps.get(i - 1), "gaps between failed climbs grow: " + gaps);
        }
        assertTrue(gaps.getLast() >= 2 * gaps.getFirst(), "gaps between failed climbs grow: " + gaps);
    }

    @Test
    void aPinnedRungHoldsWhateverTheLinkDoesUntilUnpinned() {
        assertEquals("audio", results.get("pinChange").asText());
        assertEquals(0, results.get("pinnedMoves").asInt());
        assertEquals("audio", results.get("pinnedRung").asText());
        assertEquals("video-low", results.get("afterUnpin").asText(), "unpinned, a good link climbs again");
    }

    @Test
    void samplesComeFromTheDeltasOfGetStatsReports() {
        JsonNode sample = results.get("statsSample");
        assertEquals(320, sample.get("rttMs").asInt(), "the larger of the pair's and the remote RTT");
        assertEquals(6.0 / 306, sample.get("loss").asDouble(), 1e-4, "6 lost of 306 (audio and video) in this interval");
        assertEquals(250, sample.get("outKbps").asInt());
        assertEquals(0, sample.get("freezes").asInt(), "no new freeze");
        assertEquals(100, sample.get("jitterMs").asInt());
        assertTrue(sample.get("flowing").asBoolean());
        assertEquals(false, results.get("statsCut").asBoolean(), "nothing arrived: no media flowing");
    }

    @Test
    void opusIsAskedForInBandFecAndDtxAndOtherCodecsAreLeftAlone() {
        assertEquals("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\n"
                + "a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\na=rtpmap:0 PCMU/8000\r\n",
                results.get("munged").asText());
        assertEquals("v=0\r\na=rtpmap:109 opus/48000/2\r\na=fmtp:109 useinbandfec=1;usedtx=1\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n", results.get("mungedWithoutFmtp").asText());
    }
}
