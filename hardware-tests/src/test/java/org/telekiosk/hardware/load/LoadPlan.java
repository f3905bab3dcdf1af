package org.telekiosk.hardware.load;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.protocol.KioskId;

/** What the planner (who holds the admin's and doctors' rights) prepared: tokens and doctors' hello frames. */
record LoadPlan(Path dir, URI https, URI viewer, String origin, List<Kiosk> kiosks) {
    record Kiosk(KioskId id, String token, String hello) {}

    static LoadPlan read(Path file) throws Exception {
        URI https = null;
        URI viewer = null;
        String origin = null;
        List<Kiosk> kiosks = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            switch (f[0]) {
                case "https" -> https = URI.create(f[1]);
                case "viewer" -> viewer = URI.create(f[1]);
                case "origin" -> origin = f[1];
                case "kiosk" -> kiosks.add(new Kiosk(KioskId.of(f[1]), f[2], f[3]));
                default -> throw new IllegalArgumentException("unknown plan line: " + f[0]);
            }
        }
        return new LoadPlan(file.toAbsolutePath().getParent(), https, viewer, origin, kiosks);
    }

    Path kioskDir(KioskId kiosk) {
        return dir.resolve("kiosks").resolve(kiosk.value());
    }

    /** Enrolls every kiosk of the plan (eight at a time) through the broker's enrollment API. */
    List<AgentConfig> enrollAll() throws Exception {
        Semaphore parallel = new Semaphore(8);
        List<CompletableFuture<AgentConfig>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Kiosk kiosk : kiosks) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    parallel.acquireUninterruptibly();
                    try {
                        return enroll(kiosk);
                    } catch (Exception e) {
                        throw new IllegalStateException("enrolling " + kiosk.id() + ": " + e.getMessage(), e);
                    } finally {
                        parallel.release();
                    }
                }, pool));
            }
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private AgentConfig enroll(Kiosk kiosk) throws Exception {
        Path dir = Files.createDirectories(kioskDir(kiosk.id()));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                StandardCharsets.UTF_8)).enroll(https, kiosk.token(), dir);
        if (exit != Enroller.OK) {
            throw new IllegalStateException("enrollment failed: " + printed.toString(StandardCharsets.UTF_8));
        }
        Path config = dir.resolve("agent.properties");
        Files.writeString(config, "mqtt.reconnect.min=100ms\ndata.dir=agent-data\n", StandardOpenOption.APPEND);
        return AgentConfigLoader.load(config);
    }

    List<AgentConfig> loadAll() throws Exception {
        List<AgentConfig> configs = new ArrayList<>();
        for (Kiosk kiosk : kiosks) {
            configs.add(AgentConfigLoader.load(kioskDir(kiosk.id()).resolve("agent.properties")));
        }
        return configs;
    }
}
