package org.telekiosk.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.update.AgentUpdateOffer;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.RefusalReason;
import org.telekiosk.protocol.update.UpdateKey;
import org.telekiosk.protocol.update.UpdateState;

/**
 * The agent's side of signed updates. At start it reports the version it runs (or what the root installer did, from
 * {@link UpdateFiles#RESULT}); then at every check it asks the broker for a newer package, and at a quiet moment
 * downloads it, checks it ({@link PackageCheck}: length, signature against the key pinned at enrollment, package,
 * architecture, version) and hands it to the root installer through {@link UpdateFiles}. A quiet moment is one when
 * {@code busy} says nothing: no measurement command is running (the broker itself offers nothing while a patient of
 * the kiosk is in a call). Every refusal is reported to the broker once per offered package, and a package refused
 * for what it is (signature, version, architecture, not the agent) is not downloaded again.
 */
public final class AgentUpdater {
    private static final Logger LOG = LoggerFactory.getLogger(AgentUpdater.class);
    /** The first check after start: after the agent has settled (and passed an installer's health check). */
    static final Duration FIRST_CHECK = Duration.ofMinutes(2);

    /** What one check did; for tests and the log. */
    public enum Checked { NOTHING, NO_KEY, DEFERRED, REFUSED, HANDED_OVER, FAILED }

    private final UpdateChannel broker;
    private final Path identityDir;
    private final DebianVersion running;
    private final String architecture;
    private final Supplier<Optional<String>> busy;
    private final Set<String> reported = new HashSet<>();
    private final Set<String> refusedForGood = new HashSet<>();

    /**
     * @param identityDir  the directory of the kiosk's certificate: the pinned key and {@code updates/} are there
     * @param running      the version of this agent
     * @param architecture this machine's dpkg architecture
     * @param busy         why the kiosk is busy now (a measurement under way), or empty at a quiet moment
     */
    public AgentUpdater(UpdateChannel broker, Path identityDir, DebianVersion running, String architecture,
            Supplier<Optional<String>> busy) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.identityDir = Objects.requireNonNull(identityDir, "identityDir");
        this.running = Objects.requireNonNull(running, "running");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.busy = Objects.requireNonNull(busy, "busy");
    }

    public Path spool() {
        return identityDir.resolve(UpdateFiles.DIR);
    }

    /** Reports at start, then checks after {@link #FIRST_CHECK} and every {@code period}. */
    public void schedule(ScheduledExecutorService scheduler, Duration period) {
        scheduler.execute(() -> quietly(this::reportStart));
        scheduler.scheduleWithFixedDelay(() -> quietly(this::check), FIRST_CHECK.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private interface Step {
        Object run() throws IOException, InterruptedException;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (IOException e) {
            LOG.warn("Agent update: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Agent update check failed", e);
        }
    }

    /** Marks this agent healthy for the installer's health check: call once it is connected to the broker. */
    public void healthy() {
        try {
            UpdateFiles.writeAtomically(spool().resolve(UpdateFiles.HEALTHY),
                    running.value().getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
        } catch (IOException e) {
            LOG.warn("Cannot write the health mark {}: {}", spool().resolve(UpdateFiles.HEALTHY), e.toString());
        }
    }

    /** Reports the installer's result if there is one (and removes it), else the version running. */
    public AgentUpdateReport reportStart() throws IOException, InterruptedException {
        Path resultFile = spool().resolve(UpdateFiles.RESULT);
        AgentUpdateReport report = AgentUpdateReport.running(running, architecture);
        if (Files.exists(resultFile)) {
            Properties result = UpdateFiles.readProperties(resultFile);
            UpdateState state = UpdateState.valueOf(result.getProperty("state", "FAILED"));
            String offered = result.getProperty("offered", "");
            String detail = result.getProperty("detail", "");
            report = state == UpdateState.REFUSED
                    ? AgentUpdateReport.refused(running, architecture, offered,
                            UpdateInstallation.reason(result.getProperty("reason", "")), detail)
                    : new AgentUpdateReport(running.value(), architecture, state, offered, "",
                            AgentUpdateReport.shorten(detail));
        }
        broker.report(report);
        Files.deleteIfExists(resultFile);
        LOG.info("Agent {} ({}): {}", running, architecture, report.state());
        return report;
    }

    /** One check: ask, and if there is a package and the kiosk is quiet, fetch, check and hand it over. */
    public Checked check() throws IOException, InterruptedException {
        if (Files.exists(spool().resolve(UpdateFiles.REQUEST))) {
            return Checked.HANDED_OVER; // the installer has not run yet
        }
        UpdateClient.Answer answer = broker.offer(running, architecture);
        if (!(answer instanceof UpdateClient.Answer.Offered(AgentUpdateOffer offer))) {
            return Checked.NOTHING;
        }
        String id = offer.version() + "/" + offer.signature();
        if (refusedForGood.contains(id)) {
            return Checked.REFUSED;
        }
        Optional<UpdateKey> key = UpdateFiles.readKey(identityDir);
        if (key.isEmpty()) {
            refuse(offer, RefusalReason.NO_KEY, "this kiosk has no update key pinned (" + identityDir.resolve(
                    UpdateFiles.KEY_FILE) + "): it was enrolled before updates existed; enroll it again");
            return Checked.NO_KEY;
        }
        Optional<String> why = busy.get();
        if (why.isPresent()) {
            once("deferred " + offer.version(), new AgentUpdateReport(running.value(), architecture,
                    UpdateState.DEFERRED, offer.version(), "", AgentUpdateReport.shorten(why.get())));
            return Checked.DEFERRED;
        }
        byte[] content;
        try {
            content = broker.download(offer);
        } catch (IOException e) {
            refuse(offer, RefusalReason.DOWNLOAD, e.getMessage());
            return Checked.FAILED;
        }
        PackageCheck.Result checked = new PackageCheck(key.get(), architecture).check(content, offer.size(),
                offer.signatureBytes(), running);
        if (checked instanceof PackageCheck.Result.Refused(RefusalReason reason, String detail)) {
            if (reason != RefusalReason.TRUNCATED) {
                refusedForGood.add(id);
            }
            refuse(offer, reason, detail);
            return Checked.REFUSED;
        }
        why = busy.get();
        if (why.isPresent()) {
            return Checked.DEFERRED;
        }
        Files.createDirectories(spool());
        UpdateFiles.writeAtomically(spool().resolve(UpdateFiles.PACKAGE), content, "rw-r--r--");
        UpdateFiles.writeAtomically(spool().resolve(UpdateFiles.SIGNATURE), offer.signatureBytes(), "rw-r--r--");
        UpdateFiles.writeAtomically(spool().resolve(UpdateFiles.REQUEST),
                offer.version().getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
        LOG.info("Agent update {} verified and handed to the installer", offer.version());
        broker.report(new AgentUpdateReport(running.value(), architecture, UpdateState.INSTALLING, offer.version(),
                "", ""));
        return Checked.HANDED_OVER;
    }

    private void refuse(AgentUpdateOffer offer, RefusalReason reason, String detail)
            throws IOException, InterruptedException {
        LOG.warn("Agent update {} refused ({}): {}", offer.version(), reason, detail);
        once(reason + " " + offer.version() + " " + offer.signature(), AgentUpdateReport.refused(running,
                architecture, offer.version(), reason, detail));
    }

    private void once(String key, AgentUpdateReport report) throws IOException, InterruptedException {
        if (reported.add(key)) {
            broker.report(report);
        }
    }
}
