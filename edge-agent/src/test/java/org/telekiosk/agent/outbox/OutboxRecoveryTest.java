package org.telekiosk.agent.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.agent.outbox.OutboxFixtures.ecg;
import static org.telekiosk.agent.outbox.OutboxFixtures.settings;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.testing.LogCapture;

/** A corrupt outbox at start: detected, reported, moved aside, what can be read recovered; the agent goes on. */
class OutboxRecoveryTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);
    private static final String ASIDE = "outbox.db.corrupt-20261122T120000Z";

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve(Outbox.FILE_NAME);
    }

    /** An outbox closed cleanly with {@code count} ECG batches of 1,000 samples, none acknowledged. */
    private void filled(int count) throws IOException {
        try (Outbox outbox = Outbox.open(settings(dir), CLOCK)) {
            for (int i = 0; i < count; i++) {
                outbox.record(seq -> ecg(seq, 1000));
            }
            await().atMost(PATIENCE).until(() -> outbox.committedSeq() == count);
        }
    }

    private static List<Long> seqs(Outbox outbox) throws IOException {
        return outbox.read(0, Long.MAX_VALUE, Integer.MAX_VALUE).stream().map(Outbox.Stored::seq).toList();
    }

    @Test
    void aGarbageFileIsMovedAsideReportedAndAFreshOutboxTakesReadingsWithNumbersThatDoNotRepeat() throws Exception {
        filled(3);
        byte[] garbage = new byte[8192];
        new Random(6).nextBytes(garbage);
        Files.write(file(), garbage);

        try (LogCapture log = new LogCapture(); Outbox outbox = Outbox.open(settings(dir), CLOCK)) {
            String fault = outbox.status().fault();
            assertTrue(fault.startsWith("outbox file was corrupt ("), fault);
            assertTrue(fault.contains("moved to " + ASIDE), fault);
            assertTrue(fault.contains("0 readings recovered"), fault);
            assertTrue(log.text().contains("is corrupt"), log.text());
            assertTrue(Files.exists(dir.resolve(ASIDE)), "the corrupt file is kept for inspection");
            assertEquals(List.of(), seqs(outbox));

            long next = outbox.record(seq -> ecg(seq, 10)).seq();
            assertTrue(next > 3, "numbers continue above the high-water mark, got " + next);
        }
        try (Outbox outbox = Outbox.open(settings(dir), CLOCK)) {
            assertEquals("", outbox.status().fault(), "the fresh file is sound");
            assertEquals(1, seqs(outbox).size());
        }
    }

    @Test
    void aTruncatedFileIsMovedAsideAndTheReadingsBeforeTheCutAreRecovered() throws Exception {
        filled(200);
        long size = Files.size(file());
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.truncate(size / 2);
        }

        try (Outbox outbox = Outbox.open(settings(dir), CLOCK)) {
            String fault = outbox.status().fault();
            assertTrue(fault.startsWith("outbox file was corrupt ("), fault);
            List<Long> recovered = seqs(outbox);
            assertTrue(recovered.size() > 10 && recovered.size() < 200, "recovered " + recovered.size());
            assertTrue(fault.contains(recovered.size() + " readings recovered"), fault);
            assertEquals(recovered.size(), outbox.status().held());
            assertTrue(outbox.record(seq -> ecg(seq, 10)).seq() > 200);
        }
    }

    @Test
    void aSoundSqliteFileThatIsNotAnOutboxIsMovedAsideToo() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE something_else (x INTEGER)");
        }

        try (Outbox outbox = Outbox.open(settings(dir), CLOCK)) {
            assertTrue(outbox.status().fault().contains("schema version 0, expected 1"), outbox.status().fault());
            assertEquals(1, outbox.record(OutboxFixtures::spot).seq());
        }
    }

    @Test
    void anEmptyFileLeftByACrashBeforeTheFirstCommitIsSimplyStartedAfresh() throws Exception {
        Files.createFile(file());

        try (Outbox outbox = Outbox.open(settings(dir), CLOCK)) {
            assertEquals("", outbox.status().fault());
            assertEquals(1, outbox.record(OutboxFixtures::spot).seq());
        }
    }
}
