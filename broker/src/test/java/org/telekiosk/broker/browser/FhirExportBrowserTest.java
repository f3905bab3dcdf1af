package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;

/**
 * The doctor console's "FHIR-Export · Export FHIR" button in headless Chromium against a real broker: it fetches the
 * consultation's bundle with the session cookie and hands it to the browser as a download named after the
 * consultation. The page's anchor click is recorded instead of saving a file, and the blob read as it is made.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class FhirExportBrowserTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void theExportButtonDownloadsTheConsultationsBundleAndSaysSoInGermanFirst() throws Exception {
        ConsultationFixture fixture = ConsultationFixture.create(BROKER.broker().access(),
                ConsultationFixture.doctor(BROKER.broker().access(), "dr.weber"));
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium doctor = new Chromium(certificate, List.of())) {
            ConsultationBrowserTest.openDoctorConsole(doctor, fixture, BROKER);
            Chromium.await("the consultation's room", Chromium.PATIENCE)
                    .until(() -> doctor.displayed("#export-fhir"));
            // The status line also tells the signaling connection's state: let its "Verbunden." come first, so that
            // it cannot replace the export's message (a clean-clone CI saw the export done before the socket opened).
            Chromium.await("the signaling connection", Chromium.PATIENCE).until(() -> "open".equals(
                    doctor.script("return document.getElementById('status').dataset.state")));
            // The CSP (connect-src 'self') forbids reading a blob: URL back, so keep the blob as it is made.
            doctor.script("window.downloads = []; window.blobs = [];"
                    + "const make = URL.createObjectURL;"
                    + "URL.createObjectURL = (blob) => { window.blobs.push(blob); return make(blob); };"
                    + "HTMLAnchorElement.prototype.click = function () {"
                    + "  window.downloads.push({ name: this.download, href: this.href }); };");
            assertEquals("FHIR-Export · Export FHIR", doctor.text("#export-fhir"));

            doctor.click("#export-fhir");

            await("the download").atMost(Chromium.PATIENCE)
                    .until(() -> ((Number) doctor.script("return window.downloads.length")).intValue() == 1);
            @SuppressWarnings("unchecked")
            Map<String, Object> download = (Map<String, Object>) doctor.script("return window.downloads[0]");
            assertEquals("consultation-" + fixture.consultation().id() + ".fhir.json", download.get("name"));
            String bundle = (String) doctor.async("window.blobs[0].text().then(done)");
            assertTrue(bundle.startsWith("{\"resourceType\":\"Bundle\""), bundle);
            assertTrue(bundle.contains("\"type\":\"collection\""), bundle);
            assertTrue(bundle.contains("urn:uuid:" + fixture.consultation().id()), bundle);
            Chromium.await("the status line", Chromium.PATIENCE)
                    .until(() -> String.valueOf(doctor.text("#status")).startsWith("FHIR-Export heruntergeladen."));
        }
    }
}
