package org.telekiosk.agent.outbox;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The {@link OutboxSender}'s view of what to send next, in two queues read from the {@link Outbox} a page at a time:
 * at a {@link #rewind()} the readings on disk split at the highest committed number (the boundary); those at or below
 * it are the backlog, those committed later are live. Each queue is in sequence order. Memory is bounded by two pages.
 * Not thread-safe: the sender's thread only.
 */
final class ReadingQueues {
    private static final int PAGE = 256;

    private final Outbox outbox;
    private final ArrayDeque<Outbox.Stored> live = new ArrayDeque<>();
    private final ArrayDeque<Outbox.Stored> backlog = new ArrayDeque<>();
    private long boundary;
    private long liveCursor;
    private long backlogCursor;

    ReadingQueues(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Starts again from the lowest number on disk: everything up to the highest committed one is backlog. */
    void rewind() {
        boundary = outbox.committedSeq();
        liveCursor = boundary;
        backlogCursor = 0;
        live.clear();
        backlog.clear();
    }

    /** The first live reading not yet taken, if any (reads the next page when the queue is empty). */
    Outbox.Stored peekLive() throws IOException {
        if (live.isEmpty()) {
            long committed = outbox.committedSeq();
            if (committed > liveCursor) {
                List<Outbox.Stored> page = outbox.read(liveCursor, committed, PAGE);
                live.addAll(page);
                liveCursor = page.isEmpty() ? committed : page.getLast().seq();
            }
        }
        return live.peek();
    }

    /** The first backlog reading not yet taken, if any (reads the next page when the queue is empty). */
    Outbox.Stored peekBacklog() throws IOException {
        if (backlog.isEmpty() && backlogCursor < boundary) {
            List<Outbox.Stored> page = outbox.read(backlogCursor, boundary, PAGE);
            backlog.addAll(page);
            backlogCursor = page.isEmpty() ? boundary : page.getLast().seq();
        }
        return backlog.peek();
    }

    /** Takes the first reading of the backlog ({@code fromBacklog}) or of the live queue. */
    void take(boolean fromBacklog) {
        (fromBacklog ? backlog : live).poll();
    }
}
