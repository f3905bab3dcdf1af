package org.telekiosk.link.netns;

import java.io.IOException;
import org.telekiosk.link.profile.LinkProfile;
import org.telekiosk.link.profile.LinkSchedule;
import org.telekiosk.link.relay.Link;

/**
 * Keeps a {@link VethLink}'s tbf rates in step with a {@link Link}: at every phase of the schedule (and at every
 * switch of the link) it applies the phase's rates. One daemon thread; {@link #close()} stops it.
 */
public final class RateFollower implements AutoCloseable {
    private final Link link;
    private final VethLink veth;
    private final Thread thread;
    private volatile boolean closed;

    public RateFollower(Link link, VethLink veth) {
        this.link = link;
        this.veth = veth;
        this.thread = Thread.ofPlatform().daemon().name("rate-follower-" + veth.namespace()).start(this::follow);
    }

    private void follow() {
        LinkProfile applied = null;
        while (!closed) {
            long generation = link.generation();
            long now = link.ticker().nanos();
            LinkSchedule.Segment segment = link.schedule().segmentAt(link.scheduleTime(now));
            if (!segment.profile().equals(applied)) {
                try {
                    veth.rates(segment.profile());
                    applied = segment.profile();
                } catch (IOException e) {
                    System.err.println("link emulator: cannot apply the rates of " + segment.profile().name() + ": "
                            + e.getMessage());
                }
            }
            long end = segment.endNanos() == LinkSchedule.FOREVER ? Long.MAX_VALUE
                    : now + (segment.endNanos() - link.scheduleTime(now));
            try {
                link.awaitUntil(end, generation);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5_000);
    }
}
