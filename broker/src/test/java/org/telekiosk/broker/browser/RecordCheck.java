package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.record.MediaEntry;
import org.telekiosk.broker.record.Party;
import org.telekiosk.broker.record.RecordContent;
import org.telekiosk.broker.record.RecordEvent;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * The consultation record after a real call between two pages: what both pages reported matches what their own
 * {@code getStats()} shows (path, the DTLS certificates on both ends), the broker found the fingerprints to be the
 * signaled ones, and the record page shows it to the doctor after the end.
 */
final class RecordCheck {
    /**
     * The page's selected pair and the two certificates, read in one script call: its own from the certificate
     * stats, the peer's as the SHA-256 of the DER certificate its DTLS transport received.
     */
    private static final String STATS = """
            const pc = window.telekiosk.call.pc;
            pc.getStats().then(async (stats) => {
              let t; const certs = [];
              stats.forEach((r) => {
                if (r.type === 'transport' && r.selectedCandidatePairId) t = r;
                if (r.type === 'certificate') certs.push(r);
              });
              const pair = stats.get(t.selectedCandidatePairId);
              const l = stats.get(pair.localCandidateId), r = stats.get(pair.remoteCandidateId);
              const lc = stats.get(t.localCertificateId) || certs[0];
              const dtls = pc.getTransceivers().map((x) => x.sender.transport).find((x) => x);
              const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', dtls.getRemoteCertificates()[0]));
              done({local: lc.fingerprintAlgorithm + ' ' + lc.fingerprint,
                    remote: 'sha-256 ' + [...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase())
                        .join(':'),
                    localType: l.candidateType, remoteType: r.candidateType});
            });""";

    private RecordCheck() {}

    /** Checks the record of {@code id} while the call runs, ends it from the console, and reads the record page. */
    static void afterCall(BrokerExtension broker, Chromium doctor, Chromium patient, ConsultationId id, String path) {
        try {
            await("both pages' media reports in the record").atMost(Chromium.PATIENCE)
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        RecordContent content = broker.broker().access().records().read(id);
                        return content.media().stream().anyMatch(m -> m.party() == Party.DOCTOR)
                                && content.media().stream().anyMatch(m -> m.party() == Party.PATIENT);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String watch = "return JSON.stringify(window.telekiosk.call.mediaWatch)"
                    + " + ' state ' + window.telekiosk.call.pc?.connectionState";
            throw new AssertionError("record: " + broker.broker().access().records().read(id) + "\ndoctor's page: "
                    + doctor.script(watch) + " " + doctor.describe() + "\npatient's page: " + patient.script(watch)
                    + " " + patient.describe(), e);
        }
        Map<?, ?> doctorStats = (Map<?, ?>) doctor.async(STATS);
        Map<?, ?> patientStats = (Map<?, ?>) patient.async(STATS);
        assertEquals(doctorStats.get("local"), patientStats.get("remote"), "one DTLS session between the pages");
        assertEquals(doctorStats.get("remote"), patientStats.get("local"));
        RecordContent content = broker.broker().access().records().read(id);
        MediaEntry fromDoctor = lastOf(content, Party.DOCTOR);
        MediaEntry fromPatient = lastOf(content, Party.PATIENT);
        assertEquals(path, fromDoctor.report().path());
        assertEquals(path, fromPatient.report().path());
        assertEquals(doctorStats.get("local"), fromDoctor.report().localFingerprint());
        assertEquals(doctorStats.get("remote"), fromDoctor.report().remoteFingerprint());
        assertEquals(doctorStats.get("localType"), fromDoctor.report().localCandidateType());
        assertEquals(patientStats.get("local"), fromPatient.report().localFingerprint());
        assertEquals(patientStats.get("remote"), fromPatient.report().remoteFingerprint());
        assertTrue(content.media().stream().allMatch(m -> m.fingerprints() == MediaEntry.Fingerprints.MATCH),
                () -> "the pages' fingerprints are the signaled ones: " + content.media());

        doctor.script("document.getElementById('end').click()");
        await("the end in the record").atMost(Chromium.PATIENCE).until(() -> broker.broker().access().records()
                .read(id).events().stream().anyMatch(e -> e.kind() == RecordEvent.Kind.ENDED));
        List<RecordEvent.Kind> kinds = broker.broker().access().records().read(id).events().stream()
                .map(RecordEvent::kind).toList();
        assertTrue(kinds.containsAll(List.of(RecordEvent.Kind.DOCTOR_JOINED, RecordEvent.Kind.PATIENT_JOINED,
                RecordEvent.Kind.PATIENT_ADMITTED)), kinds::toString);
        assertEquals(RecordEvent.Kind.ENDED, kinds.getLast());

        doctor.driver().get(broker.origin() + "/record.html#consultation=" + id);
        Chromium.await("the record page", Chromium.PATIENCE)
                .until(() -> "true".equals(doctor.script("return document.body.dataset.loaded || ''")));
        Map<?, ?> page = (Map<?, ?>) doctor.script("""
                const rows = (id) => [...document.querySelectorAll('#' + id + ' tbody tr')];
                return {kinds: rows('events').map((r) => r.dataset.kind),
                        paths: rows('media').map((r) => r.dataset.path),
                        checks: rows('media').map((r) => r.dataset.fingerprints),
                        summary: document.getElementById('summary').textContent};""");
        assertEquals(kinds.stream().map(RecordEvent.Kind::wire).toList(), page.get("kinds"));
        assertTrue(((List<?>) page.get("paths")).stream().allMatch(path::equals), page::toString);
        assertTrue(((List<?>) page.get("checks")).stream().allMatch("match"::equals), page::toString);
        String summary = (String) page.get("summary");
        assertTrue(summary.contains("nicht aufgezeichnet") && summary.contains("not recorded"), summary);
        assertTrue(summary.contains("Fingerabdrücke stimmen überein"), summary);
        assertTrue(summary.contains(path.equals("relay") ? "über TURN-Relay" : "direkt (Peer-to-Peer)"), summary);
    }

    private static MediaEntry lastOf(RecordContent content, Party party) {
        return content.media().stream().filter(m -> m.party() == party).reduce((a, b) -> b).orElseThrow();
    }
}
