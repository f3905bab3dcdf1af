package org.telekiosk.broker.kiosk;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.UpdateState;

/**
 * The latest update report of each kiosk, for the technician's fleet view: the version it runs and what happened to
 * the last offered package. Kept in memory: every agent reports at start and after each check (hourly), so after a
 * broker restart the view fills again within the check interval. The last refusal or rollback is kept beside the
 * latest report, so that a later "running" does not hide it. Kept while the kiosk is enrolled (the fleet view shows an
 * offline kiosk's last report); a revoked kiosk's is dropped ({@link #forget}, {@link #prune}).
 */
public final class AgentVersions implements PerKioskState {
    /** What the fleet view shows of one kiosk. */
    public record Entry(AgentUpdateReport latest, Instant at, Optional<AgentUpdateReport> lastProblem,
            Optional<Instant> problemAt) {}

    private final Map<KioskId, Entry> entries = new ConcurrentHashMap<>();

    public void record(KioskId kiosk, AgentUpdateReport report, Instant at) {
        boolean problem = report.state() == UpdateState.REFUSED || report.state() == UpdateState.FAILED
                || report.state() == UpdateState.ROLLED_BACK;
        entries.compute(kiosk, (k, old) -> {
            if (problem) {
                return new Entry(report, at, Optional.of(report), Optional.of(at));
            }
            boolean cleared = report.state() == UpdateState.INSTALLED;
            return new Entry(report, at, old == null || cleared ? Optional.empty() : old.lastProblem(),
                    old == null || cleared ? Optional.empty() : old.problemAt());
        });
    }

    public Optional<Entry> of(KioskId kiosk) {
        return Optional.ofNullable(entries.get(kiosk));
    }

    @Override
    public int prune(java.util.function.Predicate<KioskId> retired) {
        return PerKioskState.pruneRetired(entries, retired);
    }

    @Override
    public void forget(KioskId kiosk) {
        entries.remove(kiosk);
    }

    @Override
    public int kioskCount() {
        return entries.size();
    }
}
