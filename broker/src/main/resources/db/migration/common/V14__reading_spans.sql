-- A kiosk's time ranges through spans of sequence numbers (issue 16), for SQLite and PostgreSQL alike.
--
-- The time indexes measurement_by_time (kiosk, taken_at) and waveform_by_time (kiosk, start_at) cost the store writer
-- about one B-tree page dirtied per reading each (a fleet's kiosks' rows lie far apart in a kiosk-led index): dropping
-- them took the writer from 77.7 to 53.1 us a reading and the p99 from 463 to 130 ms (docs/benchmarks.md). A kiosk's
-- time range is found instead through spans: coarse ranges of its sequence numbers with the time range of the
-- readings in them, written once per span (minutes of readings), never per reading.
--
-- THE INVARIANT (ReadingSpans, SpanTable): every stored measurement (seq s, taken_at t) and waveform batch (seq s,
-- start_at t) of kiosk K is
--   * in K's open span: kiosk_ledger.span_first_seq <= s and span_min_at <= t <= span_max_at, or
--   * in a closed span: a row of reading_span of K with first_seq <= s <= last_seq and min_at <= t <= max_at.
-- Spans may overlap and may cover numbers never stored; a read takes the union of the sequence ranges of the spans
-- whose time range meets [from, to), and filters the rows by their own time. An empty open span has
-- span_min_at = span_max_at = NULL and covers nothing. Every write of K's spans happens under K's ledger row lock
-- (the store writer's, on PostgreSQL), in the transaction that stores the readings.

-- A fence for a rolling upgrade: a node of an earlier version stores readings without spans, and they would be missing
-- from time ranges. It names kiosk_progress first in every write batch (and sweep), so after this rename its batches
-- fail (the kiosks keep those readings and send them again, to this version) instead of storing them unspanned. On
-- PostgreSQL the rename, first here, waits for the earlier nodes' transactions under way and then shuts them out, so
-- the backfill below sees every reading they committed.
ALTER TABLE kiosk_progress RENAME TO kiosk_ledger;

-- The open span, updated in the statement that writes highest_seq (one row a kiosk a batch, no page more a reading).
ALTER TABLE kiosk_ledger ADD COLUMN span_first_seq BIGINT;  -- NULL: no span open yet (a kiosk never stored a reading)
ALTER TABLE kiosk_ledger ADD COLUMN span_min_at BIGINT;     -- epoch nanoseconds, as taken_at and start_at; NULL: empty
ALTER TABLE kiosk_ledger ADD COLUMN span_max_at BIGINT;

-- Closed spans: written when the open span closes (5 minutes of kiosk time or 10,000 numbers), and widened by a late
-- gap fill into one.
CREATE TABLE reading_span (
    kiosk      TEXT    NOT NULL,
    first_seq  BIGINT  NOT NULL,
    last_seq   BIGINT  NOT NULL,
    min_at     BIGINT  NOT NULL,  -- epoch nanoseconds
    max_at     BIGINT  NOT NULL,
    PRIMARY KEY (kiosk, first_seq)
);
-- A time range [from, to) meets the spans with max_at >= from and min_at < to: from `from` on, by this index.
CREATE INDEX reading_span_by_time ON reading_span (kiosk, max_at);

-- The readings stored so far, in spans of one 5-minute bucket of their time and one block of 10,000 numbers each:
-- a group's number range holds its readings' numbers and its time range their times, and min(seq) is a different
-- reading's number in each group, so the primary key holds. Integer division truncates alike in both dialects.
INSERT INTO reading_span (kiosk, first_seq, last_seq, min_at, max_at)
SELECT kiosk, MIN(seq), MAX(seq), MIN(t), MAX(t)
FROM (SELECT kiosk, seq, taken_at AS t FROM measurement
      UNION ALL
      SELECT kiosk, seq, start_at AS t FROM waveform_batch) AS stored
GROUP BY kiosk, t / 300000000000, seq / 10000;

-- Each kiosk's open span starts above everything received so far, empty.
UPDATE kiosk_ledger SET span_first_seq = highest_seq + 1;

DROP INDEX measurement_by_time;
DROP INDEX waveform_by_time;
