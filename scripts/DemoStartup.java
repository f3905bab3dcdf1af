// Measures the demo: time from starting it to the first reading on the viewer socket, and the broker's RSS.
// Run from the repository root after `mvn -q package -DskipTests`:
//   java scripts/DemoStartup.java [runs=3] [rss-after-seconds=60]
// Each run starts `java -jar broker/target/telekiosk-broker.jar demo` on a free port with a fresh data directory,
// connects to wss://localhost:<port>/ws/viewer as a browser would (trusting the demo's CA, with the page's Origin),
// and stops the demo afterwards. JDK only: no project classes, no third-party libraries.

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
            System.out.printf("run %d: first reading on the viewer socket %d ms after the demo was started%n", run, ms);
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
            WebSocket socket = null;
            CompletableFuture<Void> reading = new CompletableFuture<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (socket == null) {
                if (System.nanoTime() > deadline || !demo.isAlive()) {
                    throw new IllegalStateException("the demo did not come up; see " + data.resolve("demo.log"));
                }
                if (Files.exists(ca)) {
                    try {
                        socket = HttpClient.newBuilder().sslContext(trusting(ca)).build().newWebSocketBuilder()
                                .header("Origin", "https://localhost:" + port)
                                .buildAsync(URI.create("wss://localhost:" + port + "/ws/viewer"), new Listener(reading))
                                .get(5, TimeUnit.SECONDS);
                        continue;
                    } catch (Exception notYet) {
                        // The broker is not listening yet.
                    }
                }
                Thread.sleep(20); // polling a process we do not control; this is a tool, not a test
            }
            reading.get(120, TimeUnit.SECONDS);
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            if (rssAfterSeconds > 0) {
                Thread.sleep(Duration.ofSeconds(rssAfterSeconds).minusNanos(System.nanoTime() - start).toMillis());
                System.out.printf("broker RSS %d s after start: %d MB (pid %d); kiosk agent RSS: %d MB%n",
                        rssAfterSeconds, rssKb(demo.pid()) / 1024, demo.pid(),
                        demo.children().findFirst().map(p -> rssKb(p.pid()) / 1024).orElse(-1L));
            }
            socket.abort();
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

    record Listener(CompletableFuture<Void> reading) implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (data.toString().startsWith("{\"type\":\"reading\"")) {
                reading.complete(null);
            }
            ws.request(1);
            return null;
        }
    }
}
