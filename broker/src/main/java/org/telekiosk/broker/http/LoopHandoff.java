package org.telekiosk.broker.http;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.telekiosk.broker.viewer.FanOut;

/**
 * The vitals sockets a fan-out lane queued frames for during its burst, by event loop: at the burst's end
 * ({@link FanOut#atBurstEnd}) each loop is handed one task that writes what was queued for all of its sockets, instead
 * of one task per socket a frame (and, with each task, a wake-up of a loop that sleeps). One per lane thread; used only
 * by it.
 */
final class LoopHandoff {
    private static final ThreadLocal<LoopHandoff> LANE = ThreadLocal.withInitial(LoopHandoff::new);

    private final Map<EventLoop, List<NettyViewerSession>> pending = new IdentityHashMap<>();

    /**
     * On a fan-out lane: notes {@code session}, whose queue its loop must write, for the burst's end, and returns
     * true. Anywhere else returns false: the caller hands its loop the write itself.
     */
    static boolean defer(NettyViewerSession session, EventLoop loop) {
        if (!FanOut.onLane()) {
            return false;
        }
        LoopHandoff handoff = LANE.get();
        if (handoff.pending.isEmpty()) {
            FanOut.atBurstEnd(handoff::handOff);
        }
        handoff.pending.computeIfAbsent(loop, l -> new ArrayList<>()).add(session);
        return true;
    }

    private void handOff() {
        for (Map.Entry<EventLoop, List<NettyViewerSession>> e : pending.entrySet()) {
            List<NettyViewerSession> sessions = e.getValue();
            try {
                e.getKey().execute(() -> {
                    for (NettyViewerSession session : sessions) {
                        session.drain();
                    }
                });
            } catch (RejectedExecutionException stopping) {
                // The loop is shutting down with the node: nothing will be written.
                sessions.forEach(NettyViewerSession::abandon);
            }
        }
        pending.clear();
    }
}
