package org.telekiosk.agent.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.update.AgentUpdateOffer;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.UpdateState;

/**
 * The agent's updater against a broker held in memory (the HTTPS one is tested in the broker's
 * {@code AgentUpdateEndpointsTest}): what it reports, when it defers, and what it hands to the installer.
 */
class AgentUpdaterTest {
    private static final DebianVersion RUNNING = DebianVersion.of("0.2.0");

    @TempDir
    Path dir;
    TestPackages packages;
    Path identity;
    InMemoryBroker broker = new InMemoryBroker();
    Optional<String> busy = Optional.empty();
    AgentUpdater updater;

    /** Offers one package; cuts the download short when asked; records reports. */
    static final class InMemoryBroker implements UpdateChannel {
        AgentUpdateOffer offer;
        byte[] content;
        int downloads;
        int cutBy;
        final List<AgentUpdateReport> reports = new ArrayList<>();

        void offer(Path deb, byte[] signature, String version, String arch) throws IOException {
            content = Files.readAllBytes(deb);
            offer = new AgentUpdateOffer("telekiosk-edge-agent", version, arch, content.length,
                    Base64.getEncoder().encodeToString(signature), "/api/v1/agent-update/packages/"
                            + deb.getFileName());
        }

        @Override
        public UpdateClient.Answer offer(DebianVersion running, String architecture) {
            return offer == null ? new UpdateClient.Answer.Nothing(false) : new UpdateClient.Answer.Offered(offer);
        }

        @Override
        public byte[] download(AgentUpdateOffer offer) {
            downloads++;
            return Arrays.copyOf(content, content.length - cutBy);
        }

        @Override
        public void report(AgentUpdateReport report) {
            reports.add(report);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        packages = new TestPackages(dir);
        identity = Files.createDirectories(dir.resolve("identity"));
        UpdateFiles.writeKey(identity, packages.key());
        updater = new AgentUpdater(broker, identity, RUNNING, "arm64", () -> busy);
    }

    @Test
    void theKeyIsPinnedReadableByAll() throws Exception {
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(identity.resolve(UpdateFiles.KEY_FILE))));
        assertEquals(Optional.of(packages.key()), UpdateFiles.readKey(identity));
    }

    @Test
    void atStartItReportsTheVersionItRuns() throws Exception {
        updater.reportStart();

        assertEquals(List.of(AgentUpdateReport.running(RUNNING, "arm64")), broker.reports);
    }

    @Test
    void afterAnInstallItReportsWhatTheInstallerDidOnce() throws Exception {
        Properties result = new Properties();
        result.setProperty("state", "ROLLED_BACK");
        result.setProperty("offered", "0.3.0");
        result.setProperty("detail", "the new agent failed its health check; 0.2.0 installed again");
        UpdateFiles.writeProperties(updater.spool().resolve(UpdateFiles.RESULT), result, "rw-r--r--");

        updater.reportStart();
        updater.reportStart();

        assertEquals(UpdateState.ROLLED_BACK, broker.reports.get(0).state());
        assertEquals("0.3.0", broker.reports.get(0).offered());
        assertEquals(UpdateState.RUNNING, broker.reports.get(1).state());
    }

    @Test
    void aVerifiedPackageIsHandedToTheInstaller() throws Exception {
        Path deb = packages.agent("0.3.0", "arm64");
        broker.offer(deb, packages.sign(deb), "0.3.0", "arm64");

        assertEquals(AgentUpdater.Checked.HANDED_OVER, updater.check());

        assertArrayEquals(Files.readAllBytes(deb), Files.readAllBytes(updater.spool().resolve(UpdateFiles.PACKAGE)));
        assertArrayEquals(packages.sign(deb), Files.readAllBytes(updater.spool().resolve(UpdateFiles.SIGNATURE)));
        assertTrue(Files.exists(updater.spool().resolve(UpdateFiles.REQUEST)));
        assertEquals(UpdateState.INSTALLING, broker.reports.getLast().state());
        // Until the installer has run, nothing is fetched again.
        assertEquals(AgentUpdater.Checked.HANDED_OVER, updater.check());
        assertEquals(1, broker.downloads);
    }

    @Test
    void duringAMeasurementTheUpdateWaitsAndIsNotEvenDownloaded() throws Exception {
        Path deb = packages.agent("0.3.0", "all");
        broker.offer(deb, packages.sign(deb), "0.3.0", "all");
        busy = Optional.of("a measurement is under way (BLOOD_PRESSURE)");

        assertEquals(AgentUpdater.Checked.DEFERRED, updater.check());
        assertEquals(AgentUpdater.Checked.DEFERRED, updater.check());

        assertEquals(0, broker.downloads);
        assertFalse(Files.exists(updater.spool().resolve(UpdateFiles.REQUEST)));
        assertEquals(1, broker.reports.size(), "deferral reported once: " + broker.reports);
        assertEquals(UpdateState.DEFERRED, broker.reports.getFirst().state());

        busy = Optional.empty();
        assertEquals(AgentUpdater.Checked.HANDED_OVER, updater.check());
    }

    @Test
    void aWrongSignatureIsRefusedReportedOnceAndNotDownloadedAgain() throws Exception {
        Path deb = packages.agent("0.3.0", "all");
        broker.offer(deb, new TestPackages(dir).sign(deb), "0.3.0", "all");

        assertEquals(AgentUpdater.Checked.REFUSED, updater.check());
        assertEquals(AgentUpdater.Checked.REFUSED, updater.check());

        assertEquals(1, broker.downloads);
        assertEquals(1, broker.reports.size());
        assertRefusal("SIGNATURE", broker.reports.getFirst());
        assertFalse(Files.exists(updater.spool().resolve(UpdateFiles.REQUEST)));
    }

    @Test
    void aTruncatedDownloadIsRefusedAndTriedAgainAtTheNextCheck() throws Exception {
        Path deb = packages.agent("0.3.0", "all");
        broker.offer(deb, packages.sign(deb), "0.3.0", "all");
        broker.cutBy = 1000;

        assertEquals(AgentUpdater.Checked.REFUSED, updater.check());
        assertRefusal("TRUNCATED", broker.reports.getFirst());

        broker.cutBy = 0;
        assertEquals(AgentUpdater.Checked.HANDED_OVER, updater.check());
        assertEquals(2, broker.downloads);
    }

    @Test
    void anOlderVersionIsRefusedWhateverTheOfferSays() throws Exception {
        Path deb = packages.agent("0.1.0", "all");
        broker.offer(deb, packages.sign(deb), "0.9.0", "all");

        assertEquals(AgentUpdater.Checked.REFUSED, updater.check());

        assertRefusal("OLDER", broker.reports.getFirst());
    }

    @Test
    void aPackageForAnotherArchitectureIsRefused() throws Exception {
        Path deb = packages.agent("0.3.0", "armhf");
        broker.offer(deb, packages.sign(deb), "0.3.0", "arm64");

        assertEquals(AgentUpdater.Checked.REFUSED, updater.check());

        assertRefusal("ARCHITECTURE", broker.reports.getFirst());
    }

    @Test
    void aKioskWithoutAPinnedKeyRefusesAndSaysHowToFixIt() throws Exception {
        Files.delete(identity.resolve(UpdateFiles.KEY_FILE));
        Path deb = packages.agent("0.3.0", "all");
        broker.offer(deb, packages.sign(deb), "0.3.0", "all");

        assertEquals(AgentUpdater.Checked.NO_KEY, updater.check());

        assertRefusal("NO_KEY", broker.reports.getFirst());
        assertTrue(broker.reports.getFirst().detail().contains("enroll it again"));
        assertEquals(0, broker.downloads);
    }

    @Test
    void theHealthMarkNamesTheRunningVersion() throws Exception {
        updater.healthy();

        assertTrue(new HealthMark(updater.spool(), java.time.Duration.ZERO, java.time.Clock.systemUTC())
                .healthy(RUNNING));
        assertFalse(new HealthMark(updater.spool(), java.time.Duration.ZERO, java.time.Clock.systemUTC())
                .healthy(DebianVersion.of("0.3.0")));
    }

    private static void assertRefusal(String reason, AgentUpdateReport report) {
        assertEquals(UpdateState.REFUSED, report.state());
        assertEquals(reason, report.reason(), report.detail());
    }
}
