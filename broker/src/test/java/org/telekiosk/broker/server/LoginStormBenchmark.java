package org.telekiosk.broker.server;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.VitalsFixture;

/**
 * Not a test: other users' REST latency during a login storm (issue 14, finding 5). Starts a real broker in this
 * process (as {@link BrokerExtension} does); T threads, each with its own client address (127.0.0.2 … on loopback,
 * so the per-address login rate does not stop them) post logins of a real account with a wrong password, or of
 * unknown names, as fast as they are answered, for S seconds; meanwhile a logged-in user asks {@code GET
 * /api/v1/me} every 20 ms. Prints the latency of those requests (p50, p99, max) and their statuses (-1: the
 * connection closed under the request), and the storm's answers by status. Target: p99 ≤ 200 ms. Command and figures: docs/benchmarks.md.
 *
 * <p>Arguments: threads (100), seconds (30).
 */
public final class LoginStormBenchmark {
    private LoginStormBenchmark() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Duration run = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30);
        BrokerExtension broker = new BrokerExtension(Map.of());
        broker.beforeAll(null);
        ExecutorService storm = Executors.newFixedThreadPool(threads);
        try {
            var access = broker.broker().access();
            VitalsFixture.account(access, "storm.target", Role.DOCTOR);
            var other = VitalsFixture.account(access, "other.user", Role.DOCTOR);
            String token = VitalsFixture.login(access, other).value();
            AtomicBoolean running = new AtomicBoolean(true);
            Map<Integer, LongAdder> stormStatuses = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            for (int t = 0; t < threads; t++) {
                int n = t;
                storm.execute(() -> {
                    HttpClient http;
                    try {
                        http = HttpClient.newBuilder().sslContext(broker.tls())
                                .version(HttpClient.Version.HTTP_1_1)
                                .localAddress(InetAddress.getByName("127.0." + (n / 250) + "." + (2 + n % 250)))
                                .connectTimeout(Duration.ofSeconds(30)).build();
                    } catch (java.net.UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                    int i = 0;
                    while (running.get()) {
                        String login = (i++ % 2 == 0) ? "storm.target" : "nobody-" + n + "-" + i;
                        HttpRequest request = HttpRequest.newBuilder(broker.https("/api/v1/session"))
                                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"login\":\"" + login
                                        + "\",\"password\":\"a wrong password of some length\"}")).build();
                        try {
                            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            stormStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                        } catch (java.io.IOException e) {
                            failures.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            HttpClient me = HttpClient.newBuilder().sslContext(broker.tls()).version(HttpClient.Version.HTTP_1_1)
                    .build();
            ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
            Map<Integer, LongAdder> meStatuses = new ConcurrentHashMap<>();
            long end = System.nanoTime() + run.toNanos();
            CountDownLatch never = new CountDownLatch(1);
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                int status;
                try {
                    status = me.send(HttpRequest.newBuilder(broker.https("/api/v1/me"))
                            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).GET()
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    status = -1; // the connection was closed under the request: counted as status -1
                }
                micros.add((System.nanoTime() - start) / 1_000);
                meStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                never.await(20, TimeUnit.MILLISECONDS); // the planned request interval, not synchronisation
            }
            running.set(false);
            long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%d storm threads, %d s: GET /api/v1/me of another user: %d requests,"
                    + " p50 %.1f ms, p99 %.1f ms, max %.1f ms, statuses %s; storm answers by status %s,"
                    + " %d connection failures%n", threads, run.toSeconds(), sorted.length, at(sorted, 0.5),
                    at(sorted, 0.99), sorted[sorted.length - 1] / 1e3, counts(meStatuses), counts(stormStatuses),
                    failures.get());
        } finally {
            storm.shutdownNow();
            storm.awaitTermination(60, TimeUnit.SECONDS);
            broker.afterAll(null);
        }
    }

    private static String counts(Map<Integer, LongAdder> byStatus) {
        return new java.util.TreeMap<>(byStatus).toString();
    }

    private static double at(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e3;
    }
}
