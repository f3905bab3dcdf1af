package org.telekiosk.agent.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.agent.outbox.OutboxFixtures.ecg;
import static org.telekiosk.agent.outbox.OutboxFixtures.settings;
import static org.telekiosk.agent.outbox.OutboxFixtures.spot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.sampling.SequenceCounter;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

class OutboxTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Outbox open() throws IOException {
        return Outbox.open(settings(dir), CLOCK);
    }

    private static void committed(Outbox outbox, long seq) {
        await().atMost(PATIENCE).until(() -> outbox.committedSeq() >= seq);
    }

    private static List<Long> seqs(Outbox outbox) throws IOException {
        return outbox.read(0, Long.MAX_VALUE, Integer.MAX_VALUE).stream().map(Outbox.Stored::seq).toList();
    }

    @Test
    void readingsAreNumberedFromOneAndTheNumbersContinueAfterARestart() throws Exception {
        try (Outbox outbox = open()) {
            assertEquals(1, outbox.record(OutboxFixtures::spot).seq());
            assertEquals(2, outbox.record(seq -> ecg(seq, 25)).seq());
            assertEquals(3, outbox.record(OutboxFixtures::spot).seq());
        }
        try (Outbox outbox = open()) {
            assertEquals(List.of(1L, 2L, 3L), seqs(outbox));
            assertEquals(4, outbox.record(OutboxFixtures::spot).seq());
        }
    }

    @Test
    void aReadingIsReadBackAsItWasRecordedOnceCommitted() throws Exception {
        try (Outbox outbox = open()) {
            WaveformBatch batch = outbox.record(seq -> ecg(seq, 250));
            Measurement measurement = outbox.record(OutboxFixtures::spot);
            committed(outbox, 2);

            List<KioskMessage> back = outbox.read(0, 2, 10).stream().map(Outbox.Stored::reading).toList();

            assertEquals(List.of(batch, measurement), back);
            assertEquals(2, outbox.status().held());
        }
    }

    @Test
    void readingsCoveredByTheStoreAcknowledgementAreGoneAndTheOthersStayAcrossARestart() throws Exception {
        try (Outbox outbox = open()) {
            for (int i = 0; i < 5; i++) {
                outbox.record(OutboxFixtures::spot);
            }
            committed(outbox, 5);
            assertEquals(1, outbox.heldFrom());
            outbox.storedThrough(2);
            outbox.quarantine(4, "refused");
            await().atMost(PATIENCE).until(() -> outbox.status().held() == 2);
            assertEquals(3, outbox.heldFrom());
        }
        try (Outbox outbox = open()) {
            assertEquals(List.of(3L, 5L), seqs(outbox));
            assertEquals(2, outbox.status().held());
            assertEquals(3, outbox.heldFrom());
        }
    }

    @Test
    void aRefusedReadingIsQuarantinedOnDiskCountedAcrossARestartAndNeverReadForSendingAgain() throws Exception {
        try (Outbox outbox = open()) {
            for (int i = 0; i < 3; i++) {
                outbox.record(OutboxFixtures::spot);
            }
            committed(outbox, 3);
            outbox.quarantine(2, "refused by the broker's store (store-ack)");
            outbox.quarantine(2, "again");
            await().atMost(PATIENCE).until(() -> outbox.status().refused() == 1);
            assertEquals(List.of(1L, 3L), seqs(outbox));
        }
        try (Outbox outbox = open()) {
            assertEquals(1, outbox.status().refused());
            assertEquals(List.of(1L, 3L), seqs(outbox));
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Outbox.FILE_NAME));
                var rs = c.createStatement().executeQuery("SELECT seq, reason, length(payload) FROM quarantine")) {
            rs.next();
            assertEquals(2, rs.getLong(1));
            assertEquals("refused by the broker's store (store-ack)", rs.getString(2));
            org.junit.jupiter.api.Assertions.assertTrue(rs.getLong(3) > 0, "the payload is kept");
        }
    }

    @Test
    void anEmptyOutboxHoldsFromOneAboveTheHighestNumberItCommitted() throws Exception {
        try (Outbox outbox = open()) {
            assertEquals(1, outbox.heldFrom());
            for (int i = 0; i < 3; i++) {
                outbox.record(OutboxFixtures::spot);
            }
            committed(outbox, 3);
            outbox.storedThrough(3);
            await().atMost(PATIENCE).until(() -> outbox.status().held() == 0);
            assertEquals(4, outbox.heldFrom());
            outbox.storedThrough(2); // a late, older acknowledgement changes nothing
            outbox.record(OutboxFixtures::spot);
            committed(outbox, 4);
            assertEquals(4, outbox.heldFrom());
        }
    }

    @Test
    void numbersContinueAboveTheNumberInTheWalkingSkeletonsSequenceFile() throws Exception {
        SequenceCounter legacy = SequenceCounter.open(dir);
        legacy.advanceTo(41);

        try (Outbox outbox = open()) {
            assertEquals(42, outbox.record(OutboxFixtures::spot).seq());
        }
    }

    @Test
    void theHighWaterMarkOnDiskRunsAheadOfEveryNumberHandedOut() throws Exception {
        try (Outbox outbox = open()) {
            outbox.record(OutboxFixtures::spot);
            committed(outbox, 1);
        }
        assertTrue(SequenceCounter.open(dir).last() >= 1 + Outbox.RESERVE / 2, "the mark is ahead");
    }

    @Test
    void aLostOutboxFileDoesNotMakeNumbersRepeat() throws Exception {
        try (Outbox outbox = open()) {
            outbox.record(OutboxFixtures::spot);
            committed(outbox, 1);
        }
        Files.delete(dir.resolve(Outbox.FILE_NAME));

        try (Outbox outbox = open()) {
            assertTrue(outbox.record(OutboxFixtures::spot).seq() > 1);
        }
    }

    @Test
    void theOutboxFileAndItsCompanionsAreReadableAndWritableByTheOwnerOnly() throws Exception {
        try (Outbox outbox = open()) {
            outbox.record(OutboxFixtures::spot);
            committed(outbox, 1);
            try (var files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("outbox.db")).toList()) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                            file.toString());
                }
            }
        }
    }

    @Test
    void whenFullTheOldestWaveformBatchesGoFirstSpotReadingsAreKeptAndTheLossIsCountedAcrossRestarts()
            throws Exception {
        long limit = OutboxSettings.MIN_MAX_BYTES;
        try (Outbox outbox = Outbox.open(settings(dir, limit, 1000), CLOCK)) {
            // Alternating spot readings and ECG batches of about 2.7 KiB, far more than the limit holds.
            for (int i = 0; i < 100; i++) {
                outbox.record(OutboxFixtures::spot);
                outbox.record(seq -> ecg(seq, 1000));
            }
            committed(outbox, 200);

            Outbox.Status status = outbox.status();
            assertTrue(status.bytes() <= limit, "bytes " + status.bytes());
            assertTrue(status.dropped() > 0);
            List<Long> kept = seqs(outbox);
            assertEquals(200 - status.dropped(), kept.size());
            for (long seq = 1; seq <= 200; seq += 2) {
                assertTrue(kept.contains(seq), "spot reading " + seq + " was kept");
            }
            long firstBatchKept = kept.stream().filter(seq -> seq % 2 == 0).findFirst().orElseThrow();
            assertEquals(status.dropped(), firstBatchKept / 2 - 1, "the oldest batches went first");
        }
        long dropped;
        try (Outbox outbox = Outbox.open(settings(dir, limit, 1000), CLOCK)) {
            dropped = outbox.status().dropped();
            assertTrue(dropped > 0, "the count survives a restart");
        }
    }

    @Test
    void theSizeLimitNeverDropsAReadingInFlight() throws Exception {
        long limit = OutboxSettings.MIN_MAX_BYTES;
        try (Outbox outbox = Outbox.open(settings(dir, limit, 1000), CLOCK)) {
            outbox.protect(seq -> seq == 1);
            for (int i = 0; i < 60; i++) {
                outbox.record(seq -> ecg(seq, 1000));
            }
            committed(outbox, 60);

            assertTrue(outbox.status().dropped() > 0);
            assertEquals(1L, seqs(outbox).getFirst());
        }
    }

    @Test
    void aReadingThatDoesNotCarryTheNumberItWasGivenIsRefused() throws Exception {
        try (Outbox outbox = open()) {
            assertThrows(IllegalArgumentException.class, () -> outbox.record(seq -> spot(seq + 1)));
            assertEquals(1, outbox.record(OutboxFixtures::spot).seq());
        }
    }

    @Test
    void afterAnEnrollmentThatSaysWhereNumberingContinuesAFreshOutboxNumbersFromThereAndNeverGoesBack()
            throws Exception {
        try (Outbox outbox = open()) {
            outbox.numberFrom(21);
            assertEquals(21, outbox.record(OutboxFixtures::spot).seq());
            committed(outbox, 21);
            outbox.numberFrom(5);
            assertEquals(22, outbox.record(OutboxFixtures::spot).seq(), "a lower number changes nothing");
            committed(outbox, 22);
        }
        try (Outbox outbox = open()) {
            outbox.numberFrom(21);
            assertEquals(23, outbox.record(OutboxFixtures::spot).seq());
        }
    }
}
