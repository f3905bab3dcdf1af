package org.telekiosk.link.relay;

import java.util.SplittableRandom;
import org.telekiosk.link.profile.Direction;
import org.telekiosk.link.profile.DirectionProfile;
import org.telekiosk.link.profile.LinkSchedule;

/**
 * One direction's seeded dice: whether a packet is lost, how long it is delayed, whether it overtakes. Every packet
 * draws the same three numbers in the same order whatever the profile, so the same seed and the same arrivals give
 * the same fates. Pure: no sockets, no waiting; times are {@link Ticker} nanoseconds.
 */
public final class Impairment {
    /** {@link #datagram} of a lost datagram. */
    public static final long LOST = -1;
    /** Linux's minimum retransmission timeout (RTO_MIN, 200 ms): the least a lost TCP segment costs. */
    static final long MIN_RETRANSMIT_NANOS = 200_000_000L;
    /** TCP payload per segment on a 1500-byte MTU (IPv4, timestamps). */
    static final int SEGMENT_BYTES = 1448;

    private final Link link;
    private final Direction direction;
    private final SplittableRandom random;

    /** A stream chunk's dice, drawn when it arrived; its fate is decided when it may leave. */
    public record Draws(long arrivalNanos, int bytes, double loss, double jitter) {}

    public Impairment(Link link, Direction direction, long seed) {
        this.link = link;
        this.direction = direction;
        this.random = new SplittableRandom(seed * 31 + direction.ordinal());
    }

    public Direction direction() {
        return direction;
    }

    /** When a datagram arriving at {@code nowNanos} is to be sent on, or {@link #LOST}. */
    public synchronized long datagram(long nowNanos) {
        double loss = random.nextDouble();
        double jitter = random.nextDouble();
        double reorder = random.nextDouble();
        DirectionProfile profile = link.at(nowNanos, direction);
        if (profile.blackout() || loss < profile.loss()) {
            return LOST;
        }
        if (reorder < profile.reorder()) {
            return nowNanos;
        }
        return nowNanos + delayNanos(profile, jitter);
    }

    /** Draws the dice for a stream chunk of {@code bytes} arriving at {@code nowNanos}. */
    public synchronized Draws chunk(long nowNanos, int bytes) {
        double loss = random.nextDouble();
        double jitter = random.nextDouble();
        random.nextDouble(); // the reorder draw: streams keep their order, but the sequence stays as for datagrams
        return new Draws(nowNanos, bytes, loss, jitter);
    }

    /**
     * When a stream chunk with {@code draws} may be delivered, not before {@code notBefore} (the previous chunk's
     * time: a stream keeps its order, as TCP's receiver does), or {@link LinkSchedule#FOREVER}
     * while the link stays cut. A chunk that arrives during a cut waits for the link's return (TCP retransmits until
     * then); one whose segments draw a loss costs a retransmission, {@code max(200 ms, 2 × delay)}.
     */
    public long release(Draws draws, long notBefore) {
        long open = link.nextOpen(draws.arrivalNanos(), direction);
        if (open == LinkSchedule.FOREVER) {
            return open;
        }
        DirectionProfile profile = link.at(open, direction);
        long delay = delayNanos(profile, draws.jitter());
        int segments = Math.max(1, (draws.bytes() + SEGMENT_BYTES - 1) / SEGMENT_BYTES);
        double chunkLoss = 1 - Math.pow(1 - profile.loss(), segments);
        long penalty = draws.loss() < chunkLoss ? Math.max(MIN_RETRANSMIT_NANOS, 2 * profile.delay().toNanos()) : 0;
        return Math.max(notBefore, open + delay + penalty);
    }

    static long delayNanos(DirectionProfile profile, double jitterDraw) {
        long delay = profile.delay().toNanos();
        long jitter = profile.jitter().toNanos();
        return Math.max(0, delay + Math.round((2 * jitterDraw - 1) * jitter));
    }
}
