package org.telekiosk.hardware.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.enrollment.AgentFiles;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.agent.uplink.ClientIdentity;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.retry.ReconnectPolicy;

/**
 * Many kiosks on few threads, for issue 16's "10,000 kiosks connected": each kiosk is a {@link FleetKiosk}, one Netty
 * channel at a time on a shared event-loop group (two threads for all) with Netty's MQTT 5 codec ({@code
 * netty-codec-mqtt}) instead of a Paho client with three threads of its own, doing on the wire what the agent does,
 * reconnecting as it does.
 *
 * <p>Kiosks are prepared eight at a time (enrolled with the agent's own {@link Enroller} when the plan gives a token,
 * or read from files issued already) and each is connected as soon as it is prepared, with at most {@value
 * #HANDSHAKES_IN_FLIGHT} first attempts in flight. Not a product class: a load tool; counters are for the
 * benchmark's bookkeeping.
 */
final class KioskFleet implements AutoCloseable {
    private static final int HANDSHAKES_IN_FLIGHT = 64;
    private static final int PREPARED_IN_PARALLEL = 8;
    /** The agent's defaults ({@code agent-defaults.properties}) for kiosks issued directly, without a configuration. */
    private static final Duration SESSION_EXPIRY = Duration.ofDays(1);
    private static final int INFLIGHT_WINDOW = 32;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RECONNECT_MIN = Duration.ofSeconds(1);
    private static final Duration RECONNECT_MAX = Duration.ofMinutes(2);

    /**
     * One kiosk of the plan: its id and either a one-time enrollment token (enrolled with the agent's
     * {@link Enroller}) or, when {@code token} is null, the directory where its key, certificate chain and CA were
     * issued already ({@code kiosk.key}, {@code kiosk.crt}, {@code ca.pem}, as enrollment writes them) and the MQTT
     * URI to connect to.
     */
    record Planned(KioskId id, String token, Path issued, URI mqtt) {
        Planned(KioskId id, String token) {
            this(id, token, null, null);
        }
    }

    private final URI https;
    private final Path dir;
    private final Duration publishEvery;
    private final Duration keepAliveOverride;
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final FleetTls tls = new FleetTls();
    private final SecureRandom random = new SecureRandom();
    private final List<FleetKiosk> kiosks = new ArrayList<>();
    final FleetCounters counters = new FleetCounters();
    private int taken;

    /**
     * @param https             the broker's HTTPS address (enrollment)
     * @param dir               where each kiosk's enrolled files go ({@code <dir>/<kiosk>})
     * @param publishEvery      one spot reading per kiosk this often, phases spread; zero for none
     * @param keepAliveOverride the Keep Alive to send instead of the agent's configured one; null for the agent's
     */
    KioskFleet(URI https, Path dir, Duration publishEvery, Duration keepAliveOverride) {
        this.https = https;
        this.dir = dir;
        this.publishEvery = publishEvery;
        this.keepAliveOverride = keepAliveOverride;
    }

    /** How many kiosks of the plan were taken so far (connected, trying, or not prepared). */
    int size() {
        return taken;
    }

    /** Every PUBACK in, every reading store-acknowledged. */
    boolean settled() {
        return counters.pubacked.sum() == counters.published.sum() + counters.announced.sum()
                && counters.storeAcknowledged() >= counters.published.sum();
    }

    long connected() {
        synchronized (kiosks) {
            return kiosks.stream().filter(FleetKiosk::connected).count();
        }
    }

    /**
     * Prepares {@code planned} ({@value #PREPARED_IN_PARALLEL} at a time) and connects each as soon as it is prepared
     * ({@value #HANDSHAKES_IN_FLIGHT} first attempts at a time); a kiosk whose attempt fails tries again after the
     * agent's backoff. Returns once every one is connected or {@code patience} has passed: how many were not (those
     * that could not be prepared included); they go on trying.
     */
    int enrollAndConnect(List<Planned> planned, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        taken += planned.size();
        Semaphore parallel = new Semaphore(PREPARED_IN_PARALLEL);
        List<CompletableFuture<FleetKiosk>> prepared = new ArrayList<>();
        Semaphore handshakes = new Semaphore(HANDSHAKES_IN_FLIGHT);
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        int failures = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Planned p : planned) {
                prepared.add(CompletableFuture.supplyAsync(() -> {
                    parallel.acquireUninterruptibly();
                    try {
                        return prepare(p);
                    } catch (Exception e) {
                        throw new IllegalStateException("preparing " + p.id() + ": " + e.getMessage(), e);
                    } finally {
                        parallel.release();
                    }
                }, pool));
            }
            for (CompletableFuture<FleetKiosk> f : prepared) {
                FleetKiosk kiosk;
                try {
                    kiosk = f.join();
                } catch (java.util.concurrent.CompletionException e) {
                    if (++failures <= 5) {
                        System.out.println("FAILED " + e.getCause());
                    }
                    continue;
                }
                synchronized (kiosks) {
                    kiosks.add(kiosk);
                }
                handshakes.acquire();
                kiosk.connect().whenComplete((ok, e) -> handshakes.release());
                ready.add(kiosk.ready());
            }
        }
        for (CompletableFuture<Void> r : ready) {
            try {
                r.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                failures++;
            }
        }
        return failures;
    }

    private FleetKiosk prepare(Planned planned) throws Exception {
        ReconnectPolicy policy;
        UplinkSettings s;
        long nextSeq = 1;
        if (planned.token() == null) {
            s = new UplinkSettings(planned.mqtt(), planned.id(), null, planned.issued().resolve(AgentFiles.CA),
                    SESSION_EXPIRY, INFLIGHT_WINDOW, KEEP_ALIVE, CONNECT_TIMEOUT, new ClientIdentity(
                            planned.issued().resolve(AgentFiles.CERT), planned.issued().resolve(AgentFiles.KEY)));
            policy = new ReconnectPolicy(RECONNECT_MIN, RECONNECT_MAX, random);
        } else {
            Path kioskDir = Files.createDirectories(dir.resolve(planned.id().value()));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int exit = new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                    StandardCharsets.UTF_8)).enroll(https, planned.token(), kioskDir);
            if (exit != Enroller.OK) {
                throw new IllegalStateException("enrollment failed: " + printed.toString(StandardCharsets.UTF_8));
            }
            Path configFile = kioskDir.resolve(AgentFiles.CONFIG);
            Properties raw = new Properties();
            try (var in = Files.newBufferedReader(configFile)) {
                raw.load(in);
            }
            AgentConfig config = AgentConfigLoader.load(configFile);
            s = config.uplink();
            policy = config.reconnectPolicy(random);
            nextSeq = Long.parseLong(raw.getProperty("sequence.next", "1"));
        }
        return new FleetKiosk(s, tls.clientContext(s), nextSeq, group, keepAliveOverride, publishEvery, counters,
                policy);
    }

    /**
     * Drops every kiosk's connection at once ({@link FleetKiosk#drop}), waits until all are connected again or {@code
     * patience} has passed, and returns how many are not: a reconnect storm, each kiosk coming back after the agent's
     * backoff (1 to 2 s after a lost connection).
     */
    long storm(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (kiosks) {
            kiosks.forEach(FleetKiosk::drop);
        }
        // let the drops happen before counting who is connected
        new java.util.concurrent.CountDownLatch(1).await(500, TimeUnit.MILLISECONDS);
        long missing = kiosks.size() - connected();
        while (missing > 0 && System.nanoTime() < deadline) {
            new java.util.concurrent.CountDownLatch(1).await(200, TimeUnit.MILLISECONDS); // a poll
            missing = kiosks.size() - connected();
        }
        return missing;
    }

    /** Stops the readings (keep-alive goes on). */
    void stopPublishing() {
        synchronized (kiosks) {
            kiosks.forEach(FleetKiosk::stopPublishing);
        }
    }

    @Override
    public void close() {
        synchronized (kiosks) {
            kiosks.forEach(FleetKiosk::close);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
