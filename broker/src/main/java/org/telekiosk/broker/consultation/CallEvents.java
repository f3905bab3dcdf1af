package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;

/**
 * The {@link CallWatcher}s and {@link EndWatcher}s of one broker; the consultation stores tell it every admission and
 * departure, the consultation service every end. A watcher that throws is logged and does not keep the others from
 * being told, nor undo the change.
 */
public final class CallEvents {
    private static final Logger LOG = LoggerFactory.getLogger(CallEvents.class);

    private final List<CallWatcher> watchers = new CopyOnWriteArrayList<>();
    private final List<EndWatcher> endWatchers = new CopyOnWriteArrayList<>();
    private final List<SeatWatcher> seatWatchers = new CopyOnWriteArrayList<>();

    public void subscribe(CallWatcher watcher) {
        watchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    /** {@code watcher} is told of every consultation that ends from now on. */
    public void subscribeEnds(EndWatcher watcher) {
        endWatchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    /** {@code watcher} is told of every seat taken, dropped, resumed, left or released from now on. */
    public void subscribeSeats(SeatWatcher watcher) {
        seatWatchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    void seatChanged(ConsultationId consultation, ParticipantId participant, SeatWatcher.Change change, Instant at) {
        for (SeatWatcher watcher : seatWatchers) {
            try {
                watcher.seatChanged(consultation, participant, change, at);
            } catch (RuntimeException e) {
                LOG.warn("A seat watcher failed on {} in {}: {}", change, consultation, e.toString());
            }
        }
    }

    void ended(ConsultationId consultation, EndReason reason) {
        for (EndWatcher watcher : endWatchers) {
            try {
                watcher.ended(consultation, reason);
            } catch (RuntimeException e) {
                LOG.warn("An end watcher failed on the end of {}: {}", consultation, e.toString());
            }
        }
    }

    void admitted(CallPeriod period) {
        for (CallWatcher watcher : watchers) {
            try {
                watcher.admitted(period);
            } catch (RuntimeException e) {
                LOG.warn("A call watcher failed on an admission to {}: {}", period.consultation(), e.toString());
            }
        }
    }

    void left(ConsultationId consultation, Optional<ParticipantId> participant, Instant at) {
        for (CallWatcher watcher : watchers) {
            try {
                watcher.left(consultation, participant, at);
            } catch (RuntimeException e) {
                LOG.warn("A call watcher failed on a departure from {}: {}", consultation, e.toString());
            }
        }
    }
}
