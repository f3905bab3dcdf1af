package org.telekiosk.agent.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceCounterTest {
    @TempDir
    Path dataDir;

    private String onDisk() throws IOException {
        return Files.readString(dataDir.resolve(SequenceCounter.FILE_NAME)).strip();
    }

    @Test
    void numbersStartAtOneAndIncreaseByOne() throws IOException {
        SequenceCounter counter = SequenceCounter.open(dataDir);

        assertEquals(0, counter.last());
        assertEquals(1, counter.next());
        assertEquals(2, counter.next());
        assertEquals(3, counter.next());
    }

    @Test
    void eachNumberIsOnDiskBeforeItIsHandedOut() throws IOException {
        SequenceCounter counter = SequenceCounter.open(dataDir);

        long seq = counter.next();

        assertEquals(String.valueOf(seq), onDisk());
    }

    @Test
    void numbersContinueAfterARestartAndNeverRepeat() throws IOException {
        SequenceCounter before = SequenceCounter.open(dataDir);
        before.next();
        before.next();
        long lastBeforeRestart = before.next();

        SequenceCounter after = SequenceCounter.open(dataDir);

        assertEquals(lastBeforeRestart, after.last());
        assertEquals(lastBeforeRestart + 1, after.next());
    }

    @Test
    void theFileIsReadableAndWritableByItsOwnerOnly() throws IOException {
        SequenceCounter.open(dataDir).next();

        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve(SequenceCounter.FILE_NAME))));
    }

    @Test
    void aCorruptFileStopsTheAgentInsteadOfStartingOverAtOne() throws IOException {
        Files.writeString(dataDir.resolve(SequenceCounter.FILE_NAME), "12x\n");

        IOException refused = assertThrows(IOException.class, () -> SequenceCounter.open(dataDir));
        assertTrue(refused.getMessage().contains("corrupt"), refused.getMessage());
    }

    @Test
    void aTemporaryFileLeftByACrashIsIgnoredAndReplaced() throws IOException {
        SequenceCounter.open(dataDir).next();
        Files.writeString(dataDir.resolve(SequenceCounter.FILE_NAME + ".tmp"), "garbage from a power cut");

        SequenceCounter counter = SequenceCounter.open(dataDir);

        assertEquals(2, counter.next());
        assertEquals("2", onDisk());
        assertFalse(Files.exists(dataDir.resolve(SequenceCounter.FILE_NAME + ".tmp")));
    }

    @Test
    void aMissingDataDirectoryIsCreated() throws IOException {
        Path nested = dataDir.resolve("var/lib/telekiosk");

        assertEquals(1, SequenceCounter.open(nested).next());
        assertTrue(Files.isRegularFile(nested.resolve(SequenceCounter.FILE_NAME)));
    }
}
