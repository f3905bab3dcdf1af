package org.telekiosk.broker.consultation;

import org.telekiosk.broker.request.ConsultationId;

/**
 * Told when a consultation has ended, whatever ended it (its doctor over REST or signaling, the purge at the end of
 * its access window): the one path by which every adapter learns of an end, so that ending means the same everywhere
 * (the signaling rooms send {@code ended} and close every socket). Called once per end, after the end is stored and
 * after the consultation's lock is released, on the thread that ended it (an API or signaling virtual thread, the
 * purge thread; never an event loop): an implementation may take its own locks, but must not call back into the
 * consultation services for the same consultation expecting it open.
 */
@FunctionalInterface
public interface EndWatcher {
    void ended(ConsultationId consultation, EndReason reason);
}
