-- One kiosk-led key a reading (issue 16), for SQLite and PostgreSQL alike.
--
-- Until V14 a reading dirtied one B-tree page in each of two keys led by the kiosk (a fleet's kiosks' rows lie far
-- apart, so no two readings of a batch share a leaf): reading (kiosk, seq), the identity both kinds shared, and the
-- primary key (kiosk, seq) of measurement or waveform_batch, which held the same identities. The claim is now the
-- payload insert itself, INSERT ... ON CONFLICT (kiosk, seq) DO NOTHING into measurement or waveform_batch: one key
-- and one statement a reading less (docs/benchmarks.md, "One kiosk-led key a reading").
--
-- THE RULE that replaces reading's key across the two kinds (ReadingClaim): a number is stored as a measurement or
-- as a waveform batch, never both. The writer checks the other kind's table, under the kiosk's ledger row lock, for
-- every number its ledger does not call missing (at or below highest_seq and in no open gap); a number the ledger
-- calls missing is in neither table, since every stored number is recorded in the ledger in the transaction that
-- stores it. Every write of the payload tables must go through that writer.
--
-- The rows stored so far are unique across the kinds already (reading's key held them), so nothing is copied.

-- A fence for a rolling upgrade: a node of V14 claims every reading of a write batch in reading before it inserts
-- the payload rows, and checks the other kind by that claim alone. After this drop its claim is an insert into a
-- view, which fails on both dialects, so its batches roll back (the kiosks keep those readings and send them again,
-- to this version) instead of storing a number that this version stored as the other kind. On PostgreSQL the drop
-- waits for the earlier nodes' write transactions under way (they hold reading's lock) and then shuts them out.
-- reading.stored_at (epoch milliseconds, the broker's clock) goes with the table: nothing ever read it.
DROP TABLE reading;

-- The tests' and operators' SQL of before (counts and numbers of a kiosk's readings, and the kind) keeps working.
-- Never written: an insert into it fails (the fence above). Each branch reads its table by its primary key.
CREATE VIEW reading (kiosk, seq, kind) AS
    SELECT kiosk, seq, CAST('measurement' AS TEXT) FROM measurement
    UNION ALL
    SELECT kiosk, seq, CAST('waveform' AS TEXT) FROM waveform_batch;
