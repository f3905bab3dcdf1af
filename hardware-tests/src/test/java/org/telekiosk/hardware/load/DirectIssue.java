package org.telekiosk.hardware.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.EnrollmentSettings;
import org.telekiosk.broker.kiosk.KioskRecord;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.pki.IssuingCa;
import org.telekiosk.broker.pki.Pem;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.server.Broker;
import org.telekiosk.protocol.KioskId;

/**
 * Many kiosks "enrolled" at once for the connection benchmark: per kiosk a P-256 key pair made here and a client
 * certificate from the broker's issuing CA (the one enrollment uses, read from its {@link EnrollmentService} by
 * reflection: a load tool's shortcut, never product code), the files written as enrollment writes them
 * ({@code kiosk.key} PKCS#8, {@code kiosk.crt} with the issuing CA, {@code ca.pem}), and all kiosks recorded in the
 * registry in one change (one row per kiosk). Enrollment through the API costs the same per kiosk whatever the fleet
 * (docs/benchmarks.md, "Enrolling a fleet"), but a CSR round trip and a signature each; what is measured here is the
 * connected kiosks, not enrollment.
 */
final class DirectIssue {
    /** Kiosks issued at once. */
    private static final int IN_PARALLEL = 16;

    private DirectIssue() {}

    /** Issues {@code count} kiosks; returns the plan's {@code issued} lines. */
    static List<String> issue(Broker broker, int count, Path dir, IntFunction<KioskId> ids) throws Exception {
        IssuingCa ca = (IssuingCa) field(broker.enrollment(), "ca");
        EnrollmentSettings settings = (EnrollmentSettings) field(broker.enrollment(), "settings");
        Instant now = Instant.now();
        SecureRandom random = new SecureRandom();
        ThreadLocal<KeyPairGenerator> generators = ThreadLocal.withInitial(() -> {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), random);
                return generator;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] root = Pem.encode(List.of(ca.root()));
        KioskRecord[] records = new KioskRecord[count];
        String[] lines = new String[count];
        SecureFiles.ownerOnlyDirectory(dir);
        // Most of the time is the files' fsyncs (three a kiosk), so many at once; keys and signatures use both cores.
        try (ExecutorService pool = Executors.newFixedThreadPool(IN_PARALLEL)) {
            List<Future<?>> issued = new ArrayList<>();
            for (int n = 0; n < count; n++) {
                int i = n;
                issued.add(pool.submit(() -> {
                    KioskId kiosk = ids.apply(i + 1);
                    KeyPair keys = generators.get().generateKeyPair();
                    X509Certificate cert = ca.issueClient(keys.getPublic(), kiosk.value(), now, Duration.ofDays(30));
                    Path own = SecureFiles.ownerOnlyDirectory(dir.resolve(kiosk.value()));
                    String key = Base64.getMimeEncoder(64, new byte[] {'\n'})
                            .encodeToString(keys.getPrivate().getEncoded());
                    SecureFiles.writeSecret(own.resolve("kiosk.key"), ("-----BEGIN PRIVATE KEY-----\n" + key
                            + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII));
                    SecureFiles.writeSecret(own.resolve("kiosk.crt"), Pem.encode(List.of(cert, ca.certificate())));
                    SecureFiles.writeSecret(own.resolve("ca.pem"), root);
                    records[i] = new KioskRecord(kiosk.value(), "Load " + kiosk, EnrollmentService.serial(cert),
                            cert.getNotAfter().toInstant(), null);
                    lines[i] = "issued\t" + kiosk.value() + "\t" + own + "\t" + settings.mqttUri();
                    return null;
                }));
            }
            for (Future<?> f : issued) {
                f.get();
            }
        }
        KioskRegistry registry = broker.kiosks();
        registry.change(now, change -> {
            for (KioskRecord record : records) {
                change.putKiosk(record); // one row each, in one change
            }
            return null;
        });
        return List.of(lines);
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        var f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }
}
