package org.telekiosk.link.profile;

import java.time.Duration;

/**
 * What one direction of a link does to the packets that cross it.
 *
 * @param rateBitsPerSecond the bottleneck rate (applied by a tbf qdisc on the veth, see {@code netns.VethLink}); 0 means
 *                          unlimited
 * @param delay             one-way delay added to every packet
 * @param jitter            each packet's delay varies uniformly within {@code delay ± jitter} (never below 0)
 * @param loss              probability in [0, 1] that a packet is lost; 1 is a cut
 * @param reorder           probability in [0, 1] that a datagram skips the delay and overtakes the ones before it (as
 *                          netem's {@code reorder}); streams (TCP) are never reordered, their receiver sees order
 */
public record DirectionProfile(long rateBitsPerSecond, Duration delay, Duration jitter, double loss, double reorder) {
    /** A direction that neither delays nor loses anything. */
    public static final DirectionProfile PERFECT = new DirectionProfile(0, Duration.ZERO, Duration.ZERO, 0, 0);

    public DirectionProfile {
        if (rateBitsPerSecond < 0) {
            throw new IllegalArgumentException("rate must be >= 0 bit/s (0 = unlimited), was " + rateBitsPerSecond);
        }
        if (delay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("delay and jitter must be >= 0, were " + delay + " and " + jitter);
        }
        if (!(loss >= 0 && loss <= 1) || !(reorder >= 0 && reorder <= 1)) {
            throw new IllegalArgumentException("loss and reorder are probabilities in [0, 1], were " + loss + " and "
                    + reorder);
        }
    }

    /** True when nothing gets through: a cut. */
    public boolean blackout() {
        return loss >= 1;
    }
}
