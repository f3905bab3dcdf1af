package org.telekiosk.broker.store;

import static org.telekiosk.broker.store.BenchmarkPayloads.random;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;

/**
 * How long the store takes to open after the broker was killed under load (issue 16, seventeenth session). A child JVM
 * writes as a node does ({@link MeasurementStore}, 500 kiosks, the generator's payloads, shuffled, a steady rate with
 * the group commit) until SQLite's wal-index header (the {@code -shm} file) shows the WAL's current cycle at
 * {@code fill} × the writer's backstop, then is killed ({@link Process#destroyForcibly}: SIGKILL). The crashed files
 * are copied aside (nothing runs on them then), and fresh JVMs time, each after a warm-up on a scratch database
 * (class loading, Flyway, the native library):
 * <ul>
 *   <li>{@code open}: {@link MeasurementStore#open} and the first reading committed, as a node's start does it;
 *       then the same again after that store's clean close (no WAL left: the baseline);</li>
 *   <li>{@code steps} (on the copy): SQLite's recovery alone (the first connection rebuilds the wal-index by reading
 *       the whole valid WAL) and the checkpoint the last connection's close makes (recovery sets the copied frames to
 *       none, so it copies every page of the cycle again, then syncs and deletes the WAL).</li>
 * </ul>
 *
 * <pre>
 * mvn -o -q -B -ntp -pl broker test -Dtest=StoreRecoveryBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtelekiosk.bench=true -Drecoverybench.cpfile=/tmp/store23/cp -Drecoverybench.runs=0   # the class path, once
 * java -cp "broker/target/test-classes:broker/target/classes:$(cat /tmp/store23/cp)" \
 *     -Drecoverybench.variants=b40k:40000:,b10k:10000:/tmp/store23/b10k -Drecoverybench.runs=3 \
 *     -Drecoverybench.template=/tmp/store23/template org.telekiosk.broker.store.StoreRecoveryBenchmark
 * </pre>
 *
 * {@code variants}: {@code label:backstopPages:classDir}, run alternately; the class directory (empty: none) goes first
 * on the writing child's class path, for a build with another {@code WalCheckpointer} (the opening children always use
 * the class path as given). {@code fill} (0.95): the share of the backstop at which the writer is killed, or after
 * {@code max-seconds} (180) of writing, whichever comes first;
 * {@code kiosks} (500), {@code rate} (5000 readings/s), {@code prefill} (360 rounds, about 356 MB, made once as the
 * template).
 */
@EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
class StoreRecoveryBenchmark {
    private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");
    private static final KioskId PROBE = KioskId.of("recovery-probe");

    @Test
    void openAfterAKillUnderLoad() throws Exception {
        String classPath = System.getProperty("recoverybench.cpfile");
        if (classPath != null) {
            Files.writeString(Path.of(classPath), System.getProperty("surefire.test.class.path",
                    System.getProperty("java.class.path")));
        }
        parent();
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "run" : args[0]) {
            case "fill" -> fill(Path.of(args[1]));
            case "open" -> open(Path.of(args[1]), Path.of(args[2]));
            case "steps" -> steps(Path.of(args[1]), Path.of(args[2]));
            default -> parent();
        }
    }

    private static int kiosks() {
        return Integer.getInteger("recoverybench.kiosks", 500);
    }

    private static int prefill() {
        return Integer.getInteger("recoverybench.prefill", 360);
    }

    private static List<KioskId> ids() {
        List<KioskId> ids = new ArrayList<>();
        for (int k = 0; k < kiosks(); k++) {
            ids.add(KioskId.of(String.format(Locale.ROOT, "bench-%05d", k)));
        }
        return ids;
    }

    private static void parent() throws Exception {
        int runs = Integer.getInteger("recoverybench.runs", 3);
        double fill = Double.parseDouble(System.getProperty("recoverybench.fill", "0.95"));
        String[] variants = System.getProperty("recoverybench.variants", "b40k:40000:").split(",");
        Path work = Files.createDirectories(Path.of(System.getProperty("recoverybench.dir", "/tmp/recoverybench")));
        Path template = Path.of(System.getProperty("recoverybench.template", work.resolve("template").toString())
                + "-" + kiosks() + "x" + prefill());
        if (runs > 0 && !Files.exists(template)) {
            makeTemplate(template);
        }
        for (int run = 1; run <= runs; run++) {
            for (String variant : variants) {
                String[] parts = variant.split(":", 3);
                once(work.resolve("run"), template, parts[0], Integer.parseInt(parts[1]), parts[2], fill, run);
            }
        }
    }

    private static void makeTemplate(Path template) throws Exception {
        Path dir = Files.createTempDirectory(template.getParent(), "template");
        try (MeasurementStore store = MeasurementStore.open(StoreDatabase.sqlite(dir.resolve("t.db")),
                Duration.ofMinutes(10), Clock.systemUTC())) {
            List<KioskId> ids = ids();
            for (int round = 1; round <= prefill(); round++) {
                List<CompletableFuture<AppendOutcome>> done = new ArrayList<>();
                for (KioskId kiosk : shuffled(ids, round)) {
                    done.add(append(store, kiosk, round));
                }
                done.forEach(CompletableFuture::join);
            }
        }
        Files.move(dir.resolve("t.db"), template);
        Files.delete(dir);
    }

    private static void once(Path dir, Path template, String label, int backstop, String classDir, double fill,
            int run) throws Exception {
        deleteTree(dir);
        Path crashed = Files.createDirectories(dir.resolve("crashed"));
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Path db = crashed.resolve("bench.db");
        Files.copy(template, db);
        double load = BenchmarkProcess.load();
        String cp = System.getProperty("java.class.path");
        Process writer = child(classDir.isEmpty() ? cp : classDir + ":" + cp, dir.resolve("fill.log"), "fill",
                db.toString());
        long target = (long) (fill * backstop);
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(Integer.getInteger("recoverybench.max-seconds", 180));
        long restarts = 0;
        long last = 0;
        long most = 0;
        long frames = 0;
        while ((frames = mxFrame(db)) < target && System.nanoTime() < deadline && writer.isAlive()) {
            if (frames < last) {
                restarts++;
            }
            last = frames;
            most = Math.max(most, frames);
            LockSupport.parkNanos(5_000_000);
        }
        writer.destroyForcibly();
        writer.waitFor();
        long filled = System.nanoTime() - started;
        frames = mxFrame(db);
        long walBytes = Files.size(crashed.resolve("bench.db-wal"));
        if (frames < target) {
            System.out.printf(Locale.ROOT, "recoverybench %s run %d: killed at %d of %d frames (at most %d seen);"
                    + " see %s%n", label, run, frames, target, most, dir.resolve("fill.log"));
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.copy(crashed.resolve("bench.db" + suffix), copy.resolve("bench.db" + suffix));
        }
        String opened = result(child(cp, dir.resolve("open.log"), "open", db.toString(),
                dir.resolve("scratch-open").toString()), dir.resolve("open.log"));
        String clean = result(child(cp, dir.resolve("clean.log"), "open", db.toString(),
                dir.resolve("scratch-clean").toString()), dir.resolve("clean.log"));
        String steps = result(child(cp, dir.resolve("steps.log"), "steps", copy.resolve("bench.db").toString(),
                dir.resolve("scratch-steps").toString()), dir.resolve("steps.log"));
        System.out.printf(Locale.ROOT, "recoverybench %s run %d (load %.2f): killed at %d frames in the WAL"
                + " (%.1f MB file, %.1f s of writing, %d restarts seen); after the kill: %s; steps: %s; clean: %s%n",
                label, run, load, frames, walBytes / 1e6, filled / 1e9, restarts, opened, steps, clean);
    }

    private static Process child(String cp, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-XX:+UseG1GC", "-cp", cp));
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("recoverybench.")) {
                command.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        command.add(StoreRecoveryBenchmark.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The child's "result" line, once it ended. */
    private static String result(Process p, Path log) throws Exception {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out (" + log + ")";
        }
        return Files.readAllLines(log).stream().filter(l -> l.startsWith("result ")).map(l -> l.substring(7))
                .findFirst().orElse("no result (" + log + ")");
    }

    /** mxFrame from SQLite's wal-index header (wal.c: WalIndexHdr at 0 of the -shm file), 0 before there is one. */
    private static long mxFrame(Path db) {
        Path shm = db.resolveSibling(db.getFileName() + "-shm");
        try (FileChannel c = FileChannel.open(shm, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
            c.read(b, 0);
            return Integer.toUnsignedLong(b.getInt(16));
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** The writing child: the node's shape at {@code rate} readings/s, until it is killed. */
    private static void fill(Path db) throws Exception {
        int rate = Integer.getInteger("recoverybench.rate", 5000);
        List<KioskId> ids = ids();
        MeasurementStore store = MeasurementStore.open(StoreDatabase.sqlite(db), Duration.ofMinutes(10),
                Duration.ofMillis(5), Clock.systemUTC());
        System.out.println("filling");
        long interval = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (long round = prefill() + 1; ; round++) {
            for (KioskId kiosk : shuffled(ids, round)) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += interval;
                append(store, kiosk, round);
            }
        }
    }

    /** A fresh JVM's open of the store at {@code db}, after a warm-up on a scratch database. */
    private static void open(Path db, Path scratch) throws Exception {
        warmUp(scratch);
        long t0 = System.nanoTime();
        MeasurementStore store = MeasurementStore.open(StoreDatabase.sqlite(db), Duration.ofMinutes(10),
                Duration.ofMillis(5), Clock.systemUTC());
        long t1 = System.nanoTime();
        long seq = store.nextSeq(PROBE).join();
        AppendOutcome first = store.append(reading(PROBE, seq)).join();
        long t2 = System.nanoTime();
        boolean wal = Files.exists(db.resolveSibling(db.getFileName() + "-wal"));
        store.close();
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "result open %.0f ms, first reading %s at %.0f ms (WAL file %s then),"
                + " clean close %.0f ms%n", (t1 - t0) / 1e6, first, (t2 - t0) / 1e6, wal ? "present" : "gone",
                (t3 - t2) / 1e6);
    }

    /** SQLite's recovery and its closing checkpoint, apart, on a raw connection. */
    private static void steps(Path db, Path scratch) throws Exception {
        warmUp(scratch);
        StoreDatabase database = StoreDatabase.sqlite(db);
        long t0 = System.nanoTime();
        Connection c = database.connect();
        long frames;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM kiosk_ledger")) {
            rs.next();
        }
        long t1 = System.nanoTime();
        frames = mxFrame(db);
        c.close();
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "result recovery of %d frames %.0f ms, the last close's checkpoint %.0f ms%n",
                frames, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }

    private static void warmUp(Path scratch) throws Exception {
        Files.createDirectories(scratch);
        try (MeasurementStore store = MeasurementStore.open(StoreDatabase.sqlite(scratch.resolve("w.db")),
                Duration.ofMinutes(10), Duration.ofMillis(5), Clock.systemUTC())) {
            store.append(reading(PROBE, 1)).join();
        }
    }

    private static List<KioskId> shuffled(List<KioskId> ids, long round) {
        List<KioskId> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(round));
        return shuffled;
    }

    private static Measurement reading(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.5,
                UcumUnit.CELSIUS, T0.plusSeconds(seq));
    }

    /** The generator's mix by number: a spot measurement, an ECG batch of 250 samples, a pleth batch of 100. */
    private static CompletableFuture<AppendOutcome> append(MeasurementStore store, KioskId kiosk, long seq) {
        return switch ((int) (seq % 3)) {
            case 0 -> store.append(new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                    36.5 + seq / 100.0, UcumUnit.CELSIUS, T0.plusSeconds(seq)));
            case 1 -> store.append(random(kiosk, seq, Signal.ECG, 250, -300, 1200, 0.0025));
            default -> store.append(random(kiosk, seq, Signal.PLETH, 100, 100_000, 200_000, 1));
        };
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
