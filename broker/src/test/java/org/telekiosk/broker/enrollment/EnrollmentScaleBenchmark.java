package org.telekiosk.broker.enrollment;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.testing.PostgresSchema;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.TestRegistry;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;

/**
 * Opt-in benchmark, not a test of behaviour ({@code -Dtelekiosk.bench=true}): how long making a fleet takes through
 * the service layer, {@link EnrollmentService#createToken} N times and then {@link EnrollmentService#enroll} N
 * kiosks, on a fresh registry of each size in {@code enroll.counts} (default {@code 1000,5000}), in SQLite
 * ({@code enroll.store=sqlite}, the default) or the local PostgreSQL ({@code enroll.store=postgresql}, a fresh
 * schema). The kiosks' keys and CSRs are made before the clock starts (the kiosk's work, not the broker's). Prints,
 * per phase, the total, the rate, and the median time of one operation over the first and the last tenth;
 * docs/benchmarks.md ("Enrolling a fleet").
 */
@EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
class EnrollmentScaleBenchmark {
    static final AuditActor TECHNICIAN = new AuditActor("account:bench");
    static final AuditActor CLIENT = AuditActor.client("192.0.2.9");

    @TempDir
    Path dir;

    @Test
    void printsTheTimeToMakeAndEnrollAFleet() throws Exception {
        String store = System.getProperty("enroll.store", "sqlite");
        for (String count : System.getProperty("enroll.counts", "1000,5000").split(",")) {
            int n = Integer.parseInt(count.strip());
            Path run = Files.createDirectories(dir.resolve(store + "-" + n));
            PostgresSchema schema = store.equals("postgresql") ? new PostgresSchema().create() : null;
            try {
                SqlAccess sql = schema == null ? TestRegistry.sql(run) : schema.migrated();
                measure(n, store, run, KioskRegistry.open(sql, run.resolve("kiosks"), Clock.systemUTC().instant()));
            } finally {
                if (schema != null) {
                    schema.drop();
                }
            }
        }
    }

    private void measure(int n, String store, Path run, KioskRegistry registry) throws Exception {
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        BrokerPki pki = BrokerPki.open(run.resolve("pki"), KeystorePassword.resolve("pw", run.resolve("unused"),
                random), List.of("localhost"), new Certificates(random), clock);
        EnrollmentService service = new EnrollmentService(registry, pki.issuing(), CaPin.of(pki.caCertificate()),
                new InMemoryAuditLog(), clock, random, new EnrollmentSettings(Duration.ofHours(24),
                        Duration.ofDays(30), "ssl://localhost:8883", "https://localhost:8443/api/v1/renew"),
                () -> { });
        List<KioskId> ids = new ArrayList<>();
        List<String> csrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            KioskId id = KioskId.of("bench-%05d".formatted(i));
            ids.add(id);
            csrs.add(TestKiosk.csr(TestKiosk.p256(), "CN=" + id.value() + ",O=Telekiosk", "SHA256withECDSA"));
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(null);
        }
        phase(store, n, "tokens", i -> lines.set(i, service.createToken(ids.get(i), "Bench " + i, TECHNICIAN).line()));
        phase(store, n, "enrollments", i -> {
            EnrollmentOutcome outcome = service.enroll(new EnrollmentRequest(lines.get(i), csrs.get(i)), CLIENT);
            assertInstanceOf(Issued.class, outcome, () -> "enrollment refused: " + outcome);
        });
    }

    /**
     * Runs {@code op} for 0..n-1, timing each; prints every tenth (how many so far, the median of that tenth), then
     * the total, the rate and the medians of the first and the last tenth.
     */
    private static void phase(String store, int n, String name, java.util.function.IntConsumer op) {
        int tenth = Math.max(1, n / 10);
        long[] each = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            op.accept(i);
            each[i] = System.nanoTime() - t0;
            if ((i + 1) % tenth == 0 && i + 1 < n) {
                System.out.printf("Enrollment scale, %s, N=%,d, %s: %,d after %.1f s, median of the last %,d %.2f ms "
                        + "(load %s)%n", store, n, name, i + 1, (System.nanoTime() - start) / 1e9, tenth,
                        median(Arrays.copyOfRange(each, i + 1 - tenth, i + 1)) / 1e6, load());
            }
        }
        long total = System.nanoTime() - start;
        System.out.printf("Enrollment scale, %s, N=%,d, %s: total %.1f s, %.0f/s; median one: first tenth %.2f ms, "
                + "last tenth %.2f ms (load %s)%n", store, n, name, total / 1e9, n / (total / 1e9),
                median(Arrays.copyOfRange(each, 0, tenth)) / 1e6, median(Arrays.copyOfRange(each, n - tenth, n)) / 1e6,
                load());
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
