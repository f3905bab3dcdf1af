// Measures the demo: time from starting it to the first reading stored by the broker, and the broker's RSS.
// Run from the repository root after `mvn -q package -DskipTests`:
//   java scripts/DemoStartup.java [runs=3] [rss-after-seconds=60]
// Each run starts `java -jar broker/target/telekiosk-broker.jar demo` on a free port with a fresh data directory,
// polls https://localhost:<port>/healthz (trusting the demo's CA) until its store counter shows the first stored
// reading, and stops the demo afterwards. JDK only: no project classes, no third-party libraries.
// (The vitals socket /ws/viewer now serves only the doctor of a consultation with the kiosk's patient in the call;
// the demo cannot put its kiosk in a call over HTTP until the kiosk page can call in, so this measures the last
// step before routing: a reading stored, which is when the broker forwards it to the doctors' sockets.)

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class DemoStartup {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rssAfter = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        List<Long> firstReading = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            boolean last = run == runs;
            long ms = measure(last ? rssAfter : 0);
            firstReading.add(ms);
            System.out.printf("run %d: first reading stored %d ms after the demo was started%n", run, ms);
        }
        Collections.sort(firstReading);
        System.out.printf("median over %d runs: %d ms (min %d, max %d)%n", runs, firstReading.get(runs / 2),
                firstReading.getFirst(), firstReading.getLast());
    }

    static long measure(int rssAfterSeconds) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createTempDirectory("telekiosk-demo-measure");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long start = System.nanoTime();
        Process demo = new ProcessBuilder(java, "-jar", "broker/target/telekiosk-broker.jar", "demo",
                "--port", Integer.toString(port), "--data-dir", data.toString())
                .redirectErrorStream(true).redirectOutput(data.resolve("demo.log").toFile()).start();
        try {
            Path ca = data.resolve("pki").resolve("ca.pem");
            Pattern stored = Pattern.compile("\"store\":\\{\"stored\":([0-9]+)");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            HttpClient http = null;
            while (true) {
                if (System.nanoTime() > deadline || !demo.isAlive()) {
                    throw new IllegalStateException("no stored reading; see " + data.resolve("demo.log"));
                }
                if (http == null && Files.exists(ca)) {
                    http = HttpClient.newBuilder().sslContext(trusting(ca)).build();
                }
                if (http != null) {
                    try {
                        String health = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
                                + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        var m = stored.matcher(health);
                        if (m.find() && Long.parseLong(m.group(1)) > 0) {
                            break;
                        }
                    } catch (IOException notYet) {
                        // The broker is not listening yet.
                    }
                }
                Thread.sleep(20); // polling a process we do not control; this is a tool, not a test
            }
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            if (rssAfterSeconds > 0) {
                Thread.sleep(Duration.ofSeconds(rssAfterSeconds).minusNanos(System.nanoTime() - start).toMillis());
                System.out.printf("broker RSS %d s after start: %d MB (pid %d); kiosk agent RSS: %d MB%n",
                        rssAfterSeconds, rssKb(demo.pid()) / 1024, demo.pid(),
                        demo.children().findFirst().map(p -> rssKb(p.pid()) / 1024).orElse(-1L));
            }
            return ms;
        } finally {
            demo.destroy();
            if (!demo.waitFor(15, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    static SSLContext trusting(Path caPem) throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(caPem)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
