package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * The doctor console's "FHIR-Export · Export FHIR" button in headless Chromium against a real broker: it fetches the
 * consultation's bundle with the session cookie and hands it to the browser as a download named after the
 * consultation. The page's anchor click is recorded instead of saving a file, and the blob read as it is made.
 */
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
            await("the consultation's room").atMost(Duration.ofSeconds(20))
                    .until(() -> doctor.driver().findElement(By.id("export-fhir")).isDisplayed());
            // The CSP (connect-src 'self') forbids reading a blob: URL back, so keep the blob as it is made.
            doctor.script("window.downloads = []; window.blobs = [];"
                    + "const make = URL.createObjectURL;"
                    + "URL.createObjectURL = (blob) => { window.blobs.push(blob); return make(blob); };"
                    + "HTMLAnchorElement.prototype.click = function () {"
                    + "  window.downloads.push({ name: this.download, href: this.href }); };");
            assertEquals("FHIR-Export · Export FHIR", doctor.driver().findElement(By.id("export-fhir")).getText());

            doctor.driver().findElement(By.id("export-fhir")).click();

            await("the download").atMost(Duration.ofSeconds(20))
                    .until(() -> ((Number) doctor.script("return window.downloads.length")).intValue() == 1);
            @SuppressWarnings("unchecked")
            Map<String, Object> download = (Map<String, Object>) doctor.script("return window.downloads[0]");
            assertEquals("consultation-" + fixture.consultation().id() + ".fhir.json", download.get("name"));
            String bundle = (String) doctor.async("window.blobs[0].text().then(done)");
            assertTrue(bundle.startsWith("{\"resourceType\":\"Bundle\""), bundle);
            assertTrue(bundle.contains("\"type\":\"collection\""), bundle);
            assertTrue(bundle.contains("urn:uuid:" + fixture.consultation().id()), bundle);
            await("the status line").atMost(Duration.ofSeconds(5))
                    .until(() -> doctor.driver().findElement(By.id("status")).getText()
                            .startsWith("FHIR-Export heruntergeladen."));
        }
    }
}
