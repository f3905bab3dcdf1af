package org.telekiosk.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.audit.SqlAuditLog;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.ServerOptions;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.EnrollmentTokens;
import org.telekiosk.broker.kiosk.KioskRecord;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.ServerIdentity;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.cli.ExitCodes;
import org.telekiosk.protocol.enrollment.EnrollmentToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The technician's command-line tools, run on a broker's machine with its configuration (while the broker runs or
 * not): they change the kiosk registry in the store's database ({@code store.url}) in one transaction and append to
 * the audit log; every running broker node on that database picks changes up within seconds. The technician is
 * audited as {@code cli:<operating-system user>}.
 */
public final class KioskTools {
    private KioskTools() {}

    static AuditActor technician() {
        return new AuditActor("cli:" + System.getProperty("user.name", "unknown"));
    }

    /**
     * The kiosk registry in the store's database ({@code store.url}); a registry file of an earlier version in the data
     * directory is imported first, as the broker's start would.
     */
    static KioskRegistry registry(BrokerConfig config) throws IOException {
        return KioskRegistry.open(database(config), config.dataDir().toAbsolutePath().resolve("kiosks"),
                Instant.now());
    }

    /** The broker's audit log, table {@code audit_event} of the store's database ({@code store.url}). */
    static AuditLog audit(BrokerConfig config) throws IOException {
        return new SqlAuditLog(database(config));
    }

    /** The store's database ({@code store.url}, the password from the environment), migrated. */
    static SqlAccess database(BrokerConfig config) throws IOException {
        StoreDatabase database = StoreDatabase.configured(config.storeUrl(), config.storeUser(),
                config.defaultStoreFile(), System.getenv());
        try {
            database.migrate();
        } catch (RuntimeException e) {
            throw new IOException("cannot open the broker's database " + database + ": " + e.getMessage(), e);
        }
        return new SqlAccess(database);
    }

    /** The pin of the CA that vouches for the HTTPS endpoint, as the running broker computes it. */
    static byte[] caPin(BrokerConfig config) throws IOException {
        if (config.kioskPki().serverCertificateFile().isPresent()) {
            return CaPin.of(ServerIdentity.fromPem(config.kioskPki().serverCertificateFile().get(),
                    config.kioskPki().serverKeyFile().get()).pinnedCa());
        }
        Path ca = config.dataDir().toAbsolutePath().resolve("pki").resolve("ca.pem");
        if (!Files.exists(ca)) {
            throw new IOException("no CA in " + ca.getParent() + " yet: start the broker once ('telekiosk-broker "
                    + "serve'), which makes its CA, then create tokens");
        }
        try (var in = Files.newInputStream(ca)) {
            return CaPin.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (CertificateException e) {
            throw new IOException(ca + " holds no certificate: " + e.getMessage(), e);
        }
    }

    @Command(name = "enrollment-token", mixinStandardHelpOptions = true,
            description = "Create a one-time enrollment token for a kiosk and print it, alone, as one line on "
                    + "standard output to paste on the kiosk ('edge-agent enroll --broker URL --token TOKEN'); how to "
                    + "use it goes to standard error.")
    public static final class CreateToken implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOptions options = new ServerOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--kiosk", required = true, description = "the kiosk id, e.g. wmk-lab-03")
        String kiosk;

        @Option(names = "--label", required = true, description = "a name for people, e.g. 'Lab room 3, Wismar'")
        String label;

        @Override
        public Integer call() throws Exception {
            BrokerConfig config = options.load(Map.of());
            KioskId id = KioskId.of(kiosk);
            EnrollmentTokens tokens = new EnrollmentTokens(registry(config), caPin(config), audit(config),
                    Clock.systemUTC(), new SecureRandom(), config.kioskPki().tokenLifetime());
            EnrollmentToken token = tokens.create(id, label, technician());
            // Standard output carries the token line alone, for scripts; the explanation goes to standard error.
            var out = spec.commandLine().getOut();
            out.println(token.line());
            out.flush();
            var err = spec.commandLine().getErr();
            err.println("Enrollment token for kiosk '" + id + "' (" + label.strip() + "), single use, valid for "
                    + config.kioskPki().tokenLifetime() + ". On the kiosk: edge-agent enroll --broker "
                    + brokerUrl(config) + " --token <the line above>");
            err.flush();
            return ExitCodes.OK;
        }
    }

    /** The broker's HTTPS address as kiosks reach it: the first of {@code https.host-names}, the configured port. */
    static String brokerUrl(BrokerConfig config) {
        String host = config.hostNames().getFirst();
        return "https://" + (host.contains(":") ? "[" + host + "]" : host)
                + (config.httpsPort() == 443 ? "" : ":" + config.httpsPort());
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a kiosk: its certificate goes on the CRL, a running broker drops its connections "
                    + "within seconds and refuses it from then on. It can only come back with a new token.")
    public static final class Revoke implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOptions options = new ServerOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--kiosk", required = true, description = "the kiosk id")
        String kiosk;

        @Override
        public Integer call() throws Exception {
            BrokerConfig config = options.load(Map.of());
            KioskId id = KioskId.of(kiosk);
            Instant now = Instant.now();
            boolean done = registry(config).change(now, change -> EnrollmentService.revoked(change, id, now));
            var out = spec.commandLine().getOut();
            if (!done) {
                out.println("Kiosk '" + id + "' is not enrolled here or already revoked; nothing changed.");
                out.flush();
                return ExitCodes.FAILED;
            }
            audit(config).record(new AuditEvent(now, technician(), AuditAction.KIOSK_REVOKED, "kiosk:" + id, "cli"));
            out.println("Revoked kiosk '" + id + "'. A running broker drops its connections and publishes the "
                    + "new CRL within seconds; otherwise at its next start.");
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "kiosks", mixinStandardHelpOptions = true,
            description = "List the kiosks: id, label, certificate serial and expiry, revoked or not.")
    public static final class ListKiosks implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOptions options = new ServerOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            BrokerConfig config = options.load(Map.of());
            var out = spec.commandLine().getOut();
            out.printf("%-20s %-30s %-34s %-22s %s%n", "KIOSK", "LABEL", "CERTIFICATE", "EXPIRES", "STATE");
            for (KioskRecord k : registry(config).state().kiosks()) {
                out.printf("%-20s %-30s %-34s %-22s %s%n", k.id(), k.label(), k.enrolled() ? k.serial() : "-",
                        k.notAfter() == null ? "-" : k.notAfter().toString(),
                        k.revoked() ? "revoked " + k.revokedAt() : k.enrolled() ? "enrolled" : "token issued");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
