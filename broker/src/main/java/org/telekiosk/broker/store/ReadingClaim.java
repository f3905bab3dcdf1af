package org.telekiosk.broker.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Which of a write batch's readings are stored (V15, issue 16). A reading's identity {@code (kiosk, seq)} is claimed
 * by its payload row itself: {@code INSERT … ON CONFLICT (kiosk, seq) DO NOTHING} into {@code measurement} or
 * {@code waveform_batch} ({@link ReadingTable}), one kiosk-led key a reading where V14 had two (the identity table
 * {@code reading} and the payload's key). A number is still stored as one kind only: that is checked here, under the
 * kiosk's ledger lock, instead of by one key both kinds shared. Runs on the writer's thread, in its transaction.
 */
final class ReadingClaim {
    /*
     * SQLite: one keyed select a reading to check (rare: redeliveries, a reading under a refused number). PostgreSQL:
     * one statement for all of a batch's, the ordinals of those whose number the other kind's table holds.
     */
    private static final String WAVEFORM_HOLDS = "SELECT 1 FROM waveform_batch WHERE kiosk = ? AND seq = ?";
    private static final String MEASUREMENT_HOLDS = "SELECT 1 FROM measurement WHERE kiosk = ? AND seq = ?";
    private static final String OTHER_KIND_HOLDS = "SELECT v.i FROM unnest(?::text[], ?::bigint[], ?::boolean[])"
            + " WITH ORDINALITY AS v(k, s, spot, i) WHERE CASE WHEN v.spot"
            + " THEN EXISTS (SELECT 1 FROM waveform_batch w WHERE w.kiosk = v.k AND w.seq = v.s)"
            + " ELSE EXISTS (SELECT 1 FROM measurement m WHERE m.kiosk = v.k AND m.seq = v.s) END";

    private final ReadingTable readings;
    private final boolean arrays;

    ReadingClaim(ReadingTable readings, Dialect dialect) {
        this.readings = readings;
        this.arrays = dialect == Dialect.POSTGRESQL;
    }

    /**
     * Stores each reading whose number is free, in order: of repeats within the list the first one counts.
     *
     * @param items   the batch's measurements and waveform batches (no refusals), in arrival order
     * @param repeats where each of {@code items}' numbers first comes in the batch (asked only for candidates)
     * @param ledgers the batch's kiosks' ledgers as {@link GapTable#load} read them under their locks, not yet
     *                changed by this batch
     * @return for each reading, whether it was stored now (a duplicate or a conflict was not)
     */
    boolean[] claim(WriterStatements s, List<? extends StoreItem> items, BatchRepeats repeats,
            Map<String, GapLedger> ledgers) throws SQLException {
        int n = items.size();
        boolean[] stored = new boolean[n];
        /*
         * THE RULE (V15): a number is stored as a measurement or as a waveform batch, never both. The own kind is
         * refused by its table's key (ON CONFLICT DO NOTHING). The other kind needs a look into its table only for a
         * number its ledger does not call missing (at or below highest_seq and in no open gap), because a number the
         * ledger calls missing is in neither table:
         *   - every stored number is recorded in its kiosk's ledger (highest_seq raised, or its gap closed) in the
         *     transaction that stores it (StoreWriter), and gaps open only above the highest number, so a stored
         *     number is never missing after its commit. V15 starts from V14's rows, which kept the same ledger.
         *   - the ledgers were read under their locks (SQLite: the database's write lock; PostgreSQL: every node's
         *     writer locks its batch's kiosk_ledger rows first, in name order), so another writer's batch of this
         *     kiosk has committed before (READ COMMITTED: this transaction's later statements see its rows and its
         *     ledger) or waits for this one to end.
         *   - numbers earlier in this same batch are not in the ledger yet: a repeat of one of them is found here, in
         *     memory, and is not stored (StoreWriter then tells a duplicate from a conflict by its content).
         * So in steady state and for gap fills nothing is read; only redeliveries and readings under refused numbers
         * are looked up. What this rests on: every write of measurement and waveform_batch goes through the store's
         * writer, under the kiosk's ledger lock. A writer path that skipped that lock would break the rule silently
         * (tests: MeasurementStoreContract's conflicts within and across batches, PostgresMeasurementStoreTest's two
         * nodes racing one number with the two kinds). A node of V14 cannot write any more: V15's fence.
         */
        int[] check = new int[n];
        int checks = 0;
        boolean[] insert = new boolean[n];
        Map<String, long[]> batchTop = new HashMap<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
            StoreItem item = items.get(i);
            String kiosk = item.kiosk().value();
            long seq = item.seq();
            long[] top = batchTop.get(kiosk);
            boolean repeat = top != null && seq <= top[0] && repeats.repeatsEarlier(i);
            if (top == null) {
                batchTop.put(kiosk, new long[] {seq});
            } else if (seq > top[0]) {
                top[0] = seq;
            }
            if (repeat) {
                continue;
            }
            if (ledgers.get(kiosk).missing(seq)) {
                insert[i] = true;
            } else {
                check[checks++] = i;
            }
        }
        if (checks > 0) {
            boolean[] taken = otherKindHolds(s, items, check, checks);
            for (int c = 0; c < checks; c++) {
                insert[check[c]] = !taken[c];
            }
        }
        List<Measurement> spots = new ArrayList<>();
        List<WaveformBatch> waves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (insert[i]) {
                switch (items.get(i)) {
                    case StoreItem.Spot x -> spots.add(x.measurement());
                    case StoreItem.Wave x -> waves.add(x.batch());
                    case StoreItem.Refused x -> throw new IllegalArgumentException("a refusal claims no number");
                }
            }
        }
        boolean[] spotsIn = readings.insertMeasurements(s, spots);
        boolean[] wavesIn = readings.insertWaveforms(s, waves);
        int spot = 0;
        int wave = 0;
        for (int i = 0; i < n; i++) {
            if (insert[i]) {
                stored[i] = items.get(i) instanceof StoreItem.Spot ? spotsIn[spot++] : wavesIn[wave++];
            }
        }
        return stored;
    }

    /** For each of the readings {@code check[0..count)}: whether the other kind's table holds its number. */
    private boolean[] otherKindHolds(WriterStatements s, List<? extends StoreItem> items, int[] check, int count)
            throws SQLException {
        boolean[] taken = new boolean[count];
        if (arrays) {
            String[] kiosks = new String[count];
            long[] seqs = new long[count];
            boolean[] spots = new boolean[count];
            for (int c = 0; c < count; c++) {
                StoreItem item = items.get(check[c]);
                kiosks[c] = item.kiosk().value();
                seqs[c] = item.seq();
                spots[c] = item instanceof StoreItem.Spot;
            }
            PreparedStatement select = s.get(OTHER_KIND_HOLDS);
            select.setObject(1, kiosks);
            select.setObject(2, seqs);
            select.setObject(3, spots);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    taken[(int) rs.getLong(1) - 1] = true;
                }
            }
            return taken;
        }
        for (int c = 0; c < count; c++) {
            StoreItem item = items.get(check[c]);
            PreparedStatement select = s.get(item instanceof StoreItem.Spot ? WAVEFORM_HOLDS : MEASUREMENT_HOLDS);
            select.setString(1, item.kiosk().value());
            select.setLong(2, item.seq());
            try (ResultSet rs = select.executeQuery()) {
                taken[c] = rs.next();
            }
        }
        return taken;
    }
}
