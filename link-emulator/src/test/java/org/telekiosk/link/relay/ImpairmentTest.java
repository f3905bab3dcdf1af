package org.telekiosk.link.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telekiosk.link.profile.Direction;
import org.telekiosk.link.profile.DirectionProfile;
import org.telekiosk.link.profile.LinkProfile;
import org.telekiosk.link.profile.LinkProfiles;
import org.telekiosk.link.profile.LinkSchedule;

/** The dice of one direction, on a fake ticker: statistics within binomial bounds, order, cuts, repeatability. */
class ImpairmentTest {
    private static final long MS = 1_000_000L;
    private static final int N = 100_000;
    private final FakeTicker ticker = new FakeTicker();
    private final LinkProfiles profiles = LinkProfiles.bundled();

    @Test
    void edgeLosesThreePercentOfDatagramsAndDelaysTheRestBy150PlusMinus30Milliseconds() {
        Link link = new Link(profiles.schedule("edge", 7), ticker);
        Impairment up = new Impairment(link, Direction.UP, 7);
        int lost = 0;
        double sum = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < N; i++) {
            long now = ticker.nanos();
            long due = up.datagram(now);
            if (due == Impairment.LOST) {
                lost++;
            } else {
                long delay = due - now;
                sum += delay;
                min = Math.min(min, delay);
                max = Math.max(max, delay);
            }
            ticker.advance(Duration.ofMillis(1));
        }
        // Binomial: 3 % of 100,000 = 3,000 with sigma sqrt(n p (1 - p)) = 53.9; five sigmas either side.
        double sigma = Math.sqrt(N * 0.03 * 0.97);
        assertTrue(Math.abs(lost - N * 0.03) < 5 * sigma, "lost " + lost);
        assertTrue(min >= 120 * MS && max <= 180 * MS, "delays " + min + ".." + max);
        // Uniform on [120, 180] ms: mean 150 ms, standard error 17.3 ms / sqrt(97,000) = 0.056 ms.
        double mean = sum / (N - lost);
        assertTrue(Math.abs(mean - 150 * MS) < 0.5 * MS, "mean delay " + mean);
        assertTrue(min < 121 * MS && max > 179 * MS, "the jitter spans its range: " + min + ".." + max);
    }

    @Test
    void theSameSeedGivesTheSameFatesAndAnotherSeedOthers() {
        assertEquals(fates(11), fates(11));
        assertNotEquals(fates(11), fates(12));
    }

    private List<Long> fates(long seed) {
        FakeTicker own = new FakeTicker();
        Impairment impairment = new Impairment(new Link(profiles.schedule("edge", seed), own), Direction.DOWN, seed);
        List<Long> fates = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            long due = impairment.datagram(own.nanos());
            fates.add(due == Impairment.LOST ? -1 : due - own.nanos());
            own.advance(Duration.ofMillis(5));
        }
        return fates;
    }

    @Test
    void jitterReordersDatagramsButNeverAStream() {
        Link link = new Link(profiles.schedule("edge", 3), ticker);
        Impairment datagrams = new Impairment(link, Direction.UP, 3);
        Impairment stream = new Impairment(link, Direction.UP, 3);
        DelayLine<Integer> line = new DelayLine<>(N);
        long last = 0;
        for (int i = 0; i < 1_000; i++) {
            long due = datagrams.datagram(ticker.nanos());
            if (due != Impairment.LOST) {
                line.put(due, i);
            }
            long release = stream.release(stream.chunk(ticker.nanos(), 200), last);
            assertTrue(release >= last, "a stream chunk overtook the one before it");
            last = release;
            ticker.advance(Duration.ofMillis(5)); // packets 5 ms apart, jitter +-30 ms: some must overtake
        }
        ticker.advance(Duration.ofSeconds(1));
        List<Integer> order = line.pollDue(ticker.nanos());
        int inversions = 0;
        for (int i = 1; i < order.size(); i++) {
            if (order.get(i) < order.get(i - 1)) {
                inversions++;
            }
        }
        assertTrue(inversions > 50, "only " + inversions + " datagrams overtook another");
        assertEquals(0, line.size());
    }

    @Test
    void reorderSendsThatShareOfDatagramsAtOnce() {
        DirectionProfile d = new DirectionProfile(0, Duration.ofMillis(100), Duration.ZERO, 0, 0.25);
        Link link = new Link(LinkSchedule.steady(new LinkProfile("r", d, d)), ticker);
        Impairment up = new Impairment(link, Direction.UP, 5);
        int immediate = 0;
        for (int i = 0; i < N; i++) {
            if (up.datagram(ticker.nanos()) == ticker.nanos()) {
                immediate++;
            }
        }
        double sigma = Math.sqrt(N * 0.25 * 0.75);
        assertTrue(Math.abs(immediate - N * 0.25) < 5 * sigma, "immediate " + immediate);
    }

    @Test
    void nothingCrossesACutAndAStreamChunkWaitsForTheLinksReturn() {
        Link link = new Link(LinkSchedule.once("test-cut", List.of(
                LinkSchedule.Phase.fixed(LinkProfile.blackout(), Duration.ofSeconds(20)),
                LinkSchedule.Phase.fixed(profiles.profile("good"), Duration.ofSeconds(1))), 1), ticker);
        Impairment up = new Impairment(link, Direction.UP, 1);
        long start = ticker.nanos();
        for (int i = 0; i < 1_000; i++) {
            assertEquals(Impairment.LOST, up.datagram(ticker.nanos()));
            ticker.advance(Duration.ofMillis(19));
        }
        Impairment.Draws draws = up.chunk(start + 5_000 * MS, 100);
        assertEquals(start + 20_000 * MS + 20 * MS, up.release(draws, 0), "good's 20 ms after the cut's end");
        ticker.advance(Duration.ofSeconds(2)); // 21 s: the link is back
        assertNotEquals(Impairment.LOST, up.datagram(ticker.nanos()));
    }

    @Test
    void aStreamChunkHeldByAnEndlessCutIsReleasedWhenTheLinkIsSwitched() {
        Link link = new Link(LinkSchedule.steady(LinkProfile.blackout()), ticker);
        Impairment down = new Impairment(link, Direction.DOWN, 9);
        Impairment.Draws draws = down.chunk(ticker.nanos(), 10);
        assertEquals(LinkSchedule.FOREVER, down.release(draws, 0));
        ticker.advance(Duration.ofSeconds(3));
        long generation = link.generation();
        link.switchTo(profiles.schedule("good", 9));
        assertEquals(generation + 1, link.generation());
        assertEquals(ticker.nanos() + 20 * MS, down.release(draws, 0));
    }

    @Test
    void aLostSegmentCostsAStreamChunkARetransmission() {
        DirectionProfile lossy = new DirectionProfile(0, Duration.ofMillis(150), Duration.ZERO, 0.5, 0);
        Link link = new Link(LinkSchedule.steady(new LinkProfile("lossy", lossy, lossy)), ticker);
        Impairment up = new Impairment(link, Direction.UP, 2);
        int penalised = 0;
        for (int i = 0; i < 10_000; i++) {
            long release = up.release(up.chunk(ticker.nanos(), 1_000), 0) - ticker.nanos();
            assertTrue(release == 150 * MS || release == 450 * MS, "release after " + release);
            if (release == 450 * MS) {
                penalised++;
            }
        }
        assertTrue(Math.abs(penalised - 5_000) < 5 * 50, "penalised " + penalised);
        // A 16 KiB chunk is 12 segments: at 3 % loss, 1 - 0.97^12 = 30.6 % of such chunks pay.
        DirectionProfile edge = profiles.profile("edge").up();
        Link edgeLink = new Link(LinkSchedule.steady(new LinkProfile("e", edge, edge)), ticker);
        Impairment big = new Impairment(edgeLink, Direction.UP, 2);
        int paid = 0;
        for (int i = 0; i < 10_000; i++) {
            if (big.release(big.chunk(ticker.nanos(), 16_384), 0) - ticker.nanos() > 180 * MS) {
                paid++;
            }
        }
        double p = 1 - Math.pow(0.97, 12);
        assertTrue(Math.abs(paid - 10_000 * p) < 5 * Math.sqrt(10_000 * p * (1 - p)), "paid " + paid);
    }
}
