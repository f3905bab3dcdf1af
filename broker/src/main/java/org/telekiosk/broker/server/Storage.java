package org.telekiosk.broker.server;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.telekiosk.broker.audit.QueuedAuditLog;
import org.telekiosk.broker.audit.SqlAuditLog;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.store.WriteProbe;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The database module: the configured database, migrated (every migration, the accounts' too) when the measurement
 * store opens; the store and its lost-gap sweep; the kiosk events' audit log, written by one thread.
 */
final class Storage implements AutoCloseable {
    private final SqlAccess sql;
    private final MeasurementStore store;
    private final QueuedAuditLog audit;
    private final WriteProbe writeProbe;
    private final ScheduledExecutorService probeThread;

    /** How often the store's writability is probed for {@code /readyz}. */
    static final long WRITE_PROBE_MILLIS = 5_000;

    private final StoreDatabase database;
    private Storage(StoreDatabase database, SqlAccess sql, MeasurementStore store, QueuedAuditLog audit,
            WriteProbe writeProbe, ScheduledExecutorService probeThread) {
        this.database = database;
        this.writeProbe = writeProbe;
        this.probeThread = probeThread;
        this.sql = sql;
        this.store = store;
        this.audit = audit;
    }

    /** @param environment read for {@link StoreDatabase#PASSWORD_ENV} only */
    static Storage open(BrokerConfig config, Map<String, String> environment, Clock clock) throws IOException {
        StoreDatabase database = StoreDatabase.configured(config.storeUrl(), config.storeUser(),
                config.defaultStoreFile(), environment);
        MeasurementStore store;
        try {
            store = MeasurementStore.open(database, config.storeGapTimeout(), config.storeCommitDelay(), clock);
        } catch (SQLException | org.flywaydb.core.api.FlywayException e) {
            throw new IOException("cannot open the measurement store " + database + ": " + e.getMessage(), e);
        }
        store.reportLostGapsEvery(sweepPeriod(config.storeGapTimeout()));
        SqlAccess sql = new SqlAccess(database);
        // Kiosk events go to the same audit_event table as the accounts' (purged after audit.retention), through one
        // writer thread: HiveMQ's and Netty's threads only queue.
        WriteProbe probe = new WriteProbe(database);
        ScheduledExecutorService probeThread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("store-write-probe").daemon(true).factory());
        probe.schedule(probeThread, WRITE_PROBE_MILLIS);
        return new Storage(database, sql, store, new QueuedAuditLog(new SqlAuditLog(sql)), probe, probeThread);
    }

    /** Often enough that a lost gap is reported within a tenth of the timeout, at most once a second. */
    private static Duration sweepPeriod(Duration gapTimeout) {
        Duration tenth = gapTimeout.dividedBy(10);
        Duration minute = Duration.ofMinutes(1);
        Duration second = Duration.ofSeconds(1);
        return tenth.compareTo(minute) > 0 ? minute : tenth.compareTo(second) < 0 ? second : tenth;
    }

    SqlAccess sql() {
        return sql;
    }

    /** The store's database, for what needs its own connection (the signaling relay's LISTEN). */
    StoreDatabase database() {
        return database;
    }

    MeasurementStore store() {
        return store;
    }

    /** Whether the store took a write transaction at the last probe ({@code /readyz}). */
    WriteProbe writeProbe() {
        return writeProbe;
    }

    QueuedAuditLog audit() {
        return audit;
    }

    @Override
    public void close() {
        probeThread.shutdownNow();
        audit.close();
        store.close();
    }
}
