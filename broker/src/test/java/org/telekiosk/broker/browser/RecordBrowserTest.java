package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;

/**
 * The consultation record after a peer-to-peer call between two headless Chromium pages (host candidates on
 * loopback, no TURN): the path is direct, the DTLS fingerprints each page sees are in the record and are the
 * signaled ones, and the doctor's record page shows it. The relay case is in {@link TurnRelayTest}.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class RecordBrowserTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void afterAPeerToPeerCallTheRecordSaysDirectEncryptedWithTheSignaledFingerprintsAndNothingRecorded()
            throws Exception {
        ConsultationFixture fixture = ConsultationFixture.create(BROKER.broker().access(),
                ConsultationFixture.doctor(BROKER.broker().access(), "dr.record"));
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium doctor = new Chromium(certificate, List.of());
                Chromium patient = new Chromium(certificate, List.of())) {
            ConsultationBrowserTest.openDoctorConsole(doctor, fixture, BROKER);
            patient.driver().get(BROKER.origin() + "/kiosk.html");
            patient.driver().findElement(By.id("code")).sendKeys(fixture.code());
            patient.driver().findElement(By.cssSelector("#code-form button")).click();
            await("the patient waits").atMost(Chromium.PATIENCE)
                    .until(() -> !doctor.driver().findElements(By.cssSelector("#waiting li .admit")).isEmpty());
            doctor.script("document.querySelector('#waiting li .admit').click()");
            await("video at both ends").atMost(Chromium.PATIENCE).pollInterval(Duration.ofMillis(250))
                    .until(() -> doctor.connectedWithVideo() && patient.connectedWithVideo());

            RecordCheck.afterCall(BROKER, doctor, patient, fixture.consultation().id(), "direct");
        }
    }
}
