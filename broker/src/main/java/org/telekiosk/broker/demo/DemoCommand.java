package org.telekiosk.broker.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.config.ServerOptions;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.server.Broker;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code demo}: a broker on embedded defaults, listening on localhost only, and one simulated kiosk started as a
 * separate process, enrolled as a technician would (a one-time token, {@code edge-agent enroll}), so that a newcomer sees vital signs arrive in the browser
 * without any setup. Everything is kept under the data directory; stop with Ctrl+C, which stops the kiosk too.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a broker and one simulated kiosk on this machine, and print the URL to open.")
public final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    static final KioskId DEMO_KIOSK = KioskId.of("demo-kiosk-01");

    @CommandLine.Mixin
    ServerOptions options = new ServerOptions();

    @Option(names = "--agent-jar", description = "the edge agent's jar (default: found next to this jar's module)")
    Path agentJar;

    @Option(names = "--interval", defaultValue = "2s", description = "how often the kiosk measures (default: 2s)")
    String interval;

    @Option(names = "--kiosk-netns", description = "run the simulated kiosk inside this network namespace, behind an "
            + "emulated link (scripts/link-demo.sh makes one; root only)")
    String kioskNetns;

    @Option(names = "--kiosk-broker-host", defaultValue = "localhost", description = "the name under which the "
            + "kiosk reaches the broker; the broker's certificate must cover it (default: localhost)")
    String kioskBrokerHost;

    @Override
    public Integer call() throws Exception {
        Path jar = agentJar != null ? agentJar : AgentLauncher.findAgentJar();
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new java.io.IOException("the edge agent jar " + jar + " does not exist; build it with "
                    + "'mvn package' or pass --agent-jar");
        }
        // Free MQTT and metrics ports, so that two demos run side by side (the banner prints both).
        var config = options.load(Map.of("data.dir", "telekiosk-demo", "https.bind", "127.0.0.1",
                "mqtt.bind", "127.0.0.1", "mqtt.port", "0", "metrics.port", "0"));
        long started = System.nanoTime();
        Broker broker = Broker.start(config, Clock.systemUTC(), System.getenv());
        Optional<DemoAccounts.Logins> logins = DemoAccounts.ensure(broker.access(),
                broker.config().dataDir().toAbsolutePath(), new SecureRandom());
        Path kioskDir = provisionKiosk(broker, new AgentLauncher(jar));
        AgentLauncher kiosk = new AgentLauncher(jar, kioskNetns == null ? List.of()
                : List.of("ip", "netns", "exec", kioskNetns));
        Process agent = kiosk.start(kioskDir.resolve("agent.properties"));
        // The demo kiosk's own page: asked by the kiosk itself (its certificate, mutual TLS), as on a real kiosk.
        Optional<URI> kioskPage = kiosk.kioskPageUrl(kioskDir.resolve("agent.properties"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            agent.destroy();
            try {
                if (!agent.waitFor(5, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            broker.close();
            stopped.countDown();
        }));
        agent.onExit().thenAccept(p -> LOG.warn("The simulated kiosk stopped with exit code {}", p.exitValue()));

        System.out.print(banner(Duration.ofNanos(System.nanoTime() - started), broker, logins, kioskPage));
        stopped.await();
        return ExitCodes.OK;
    }

    /** What the person trying the demo needs: where to go and how to log in. */
    static String banner(Duration startup, Broker broker, Optional<DemoAccounts.Logins> logins) {
        return banner(startup, broker, logins, Optional.empty());
    }

    /**
     * As {@link #banner(Duration, Broker, Optional)}, with the demo kiosk's own page: a one-time URL (five minutes)
     * that opens the kiosk page as the demo kiosk's, called into its room consultation without a code.
     */
    static String banner(Duration startup, Broker broker, Optional<DemoAccounts.Logins> logins,
            Optional<URI> kioskPage) {
        URI url = broker.url();
        String ownPage = kioskPage.map(page -> String.format("""
                 Demo kiosk's page: %s
                                   Open it once within five minutes (its token is then used up). With a
                                   consultation for the room '%s', the patient is called in without a code.
                                   A fresh URL: java -jar <edge agent jar> kiosk-page-url --config %s
                """, page, DEMO_KIOSK, broker.config().dataDir().toAbsolutePath()
                .resolve("kiosk-" + DEMO_KIOSK.value()).resolve("agent.properties"))).orElse("");
        String accounts = logins.map(l -> String.format("""
                 Doctor console:   %s
                                   login %s, password %s
                                   Create a consultation there; it shows a join code.
                 Kiosk page:       %s
                                   The patient types the join code; the doctor admits them.
                 Technician page:  %s
                                   login %s, password %s
                %s (Demo accounts only; their passwords are kept in %s.)
                """, url.resolve("/doctor.html"), l.doctor().login(), l.doctor().password(),
                url.resolve("/kiosk.html"), url.resolve("/technician.html"), l.technician().login(),
                l.technician().password(), ownPage,
                broker.config().dataDir().toAbsolutePath().resolve(DemoAccounts.FILE)))
                .orElse("""
                 This data directory has an admin who is not the demo's, so the demo made no accounts:
                 log in with yours.
                """);
        return String.format("""

                ============================================================================
                 Telekiosk demo is running (started in %d ms).

                 Vital signs:      %s
                                   The simulated kiosk '%s' streams all five sensors.
                %s
                 Metrics:          %s
                 Your browser will warn about the certificate: it was made by this demo's own
                 certificate authority (%s). Continue past the warning, or trust that file.
                 Data directory: %s
                 Stop with Ctrl+C.
                ============================================================================

                """, startup.toMillis(), url, DEMO_KIOSK, accounts,
                broker.metricsUrl().map(u -> u + " (Prometheus, this machine only)").orElse("off (metrics.bind)"),
                broker.pki().caPemFile(),
                broker.config().dataDir().toAbsolutePath());
    }

    /**
     * Enrolls the demo kiosk as a technician would: a one-time token from the broker, then {@code edge-agent enroll}
     * in the kiosk's directory (which does nothing if the kiosk is already enrolled there); then sets the demo's
     * sampling interval in its configuration.
     */
    private Path provisionKiosk(Broker broker, AgentLauncher launcher) throws IOException, InterruptedException {
        Path dir = SecureFiles.ownerOnlyDirectory(
                broker.config().dataDir().toAbsolutePath().resolve("kiosk-" + DEMO_KIOSK.value()));
        var token = broker.enrollment().createToken(DEMO_KIOSK, "Demo kiosk",
                AuditActor.system());
        int exit = launcher.enroll(broker.url().toString(), token.line(), dir);
        if (exit != 0) {
            throw new IOException("enrolling the demo kiosk failed (edge-agent enroll exited with " + exit + ")");
        }
        Path config = dir.resolve("agent.properties");
        // The demo's MQTT and HTTPS ports may differ from run to run; a kiosk enrolled in an earlier run keeps its
        // certificate and is only pointed at this run's broker.
        List<String> managed = List.of("mqtt.uri=", "renewal.url=", "sampling.interval=", "data.dir=");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(config, StandardCharsets.UTF_8).stream()
                .filter(l -> managed.stream().noneMatch(l::startsWith)).toList());
        lines.add("mqtt.uri=ssl://" + kioskBrokerHost + ":" + broker.mqttPort());
        lines.add("renewal.url=https://" + kioskBrokerHost + ":" + broker.httpsPort() + "/api/v1/renew");
        lines.add("sampling.interval=" + interval);
        lines.add("data.dir=agent-data");
        SecureFiles.writeSecret(config, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return dir;
    }
}
