package org.telekiosk.broker.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.topic.Topics;

/**
 * The technician page in headless Chromium against a real broker: a technician logs in, sees the fleet, creates an
 * enrollment token and sees it as a line and as a QR code (read back from the page's canvas by ZXing), and revokes
 * a kiosk, which asks first and then marks the kiosk revoked.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class TechnicianBrowserTest {
    private static final Duration PATIENCE = Chromium.PATIENCE;

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void aTechnicianLogsInCreatesATokenShownAsLineAndQrCodeAndRevokesAKioskAfterConfirming() throws Exception {
        ConsultationFixture.technician(BROKER.broker().access(), "tech.meyer");
        KioskId enrolled = KioskId.of("wmk-lab-03");
        TestKiosk enrolledKiosk = TestKiosk.enroll(BROKER, enrolled);
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium browser = new Chromium(certificate, List.of())) {
            var driver = browser.driver();
            driver.get(BROKER.origin() + "/technician.html");
            Chromium.await("the login form", PATIENCE).until(() -> browser.displayed("#login"));
            driver.findElement(By.id("login-name")).sendKeys("tech.meyer");
            driver.findElement(By.id("login-password")).sendKeys(ConsultationFixture.PASSWORD);
            driver.findElement(By.cssSelector("#login-form button")).click();

            // The fleet table is redrawn on every refresh: each read finds and reads its row in one script call.
            String row = row(enrolled);
            Chromium.await("the enrolled kiosk in the fleet", PATIENCE).until(() -> browser.text(row) != null);
            assertFalse(browser.attribute(row, "class").contains("revoked"));
            String trusted = browser.text(row);
            assertTrue(trusted.contains("vertraut"), trusted);
            assertTrue(trusted.contains("noch kein Bericht"), trusted);

            // The kiosk reports readings it lost, an outbox fault and a faulty scale: the row shows them.
            var mqtt = enrolledKiosk.connect(BROKER);
            try {
                mqtt.publish(Topics.status(enrolled),
                        WireCodec.cbor(4096).encode(
                                new KioskStatus(enrolled, java.time.Instant.now(),
                                        List.of(new SensorHealth(
                                                SensorId.of("scale"),
                                                SensorState.FAULTY,
                                                "HX711 not ready")), 0, 41, "outbox was truncated")), 1, false);
            } finally {
                mqtt.disconnect();
                mqtt.close();
            }
            Chromium.await("the kiosk's report in its row", PATIENCE).until(() ->
                    String.valueOf(browser.text(row)).contains("41 Messwerte verloren"));
            String report = browser.text(row + " td.report");
            assertTrue(report.contains("scale: gestört · faulty (HX711 not ready)"), report);
            assertTrue(report.contains("outbox was truncated"), report);

            driver.findElement(By.id("token-kiosk")).sendKeys("wmk-flur-02");
            driver.findElement(By.id("token-label")).sendKeys("Flur 2, Wismar");
            driver.findElement(By.cssSelector("#token-form button")).click();
            Chromium.await("the token", PATIENCE).until(() -> browser.displayed("#token-result"));
            String token = browser.value("#token-line");
            assertTrue(token.startsWith("tk1.wmk-flur-02."), token);
            assertEquals(token, qrCodeOnThePage(browser), "the QR code holds the token line");

            browser.click(row + " button.revoke");
            assertTrue(browser.displayed("#revoke-dialog"), "a revocation asks first");
            browser.click("#revoke-cancel");
            assertFalse(BROKER.broker().kiosks().state().kiosk(enrolled).orElseThrow().revoked(),
                    "cancelled: nothing revoked");

            browser.click(row + " button.revoke");
            browser.click("#revoke-confirm");
            Chromium.await("the kiosk marked revoked", PATIENCE).until(() ->
                    String.valueOf(browser.attribute(row, "class")).contains("revoked")
                            && String.valueOf(browser.text(row)).contains("widerrufen"));
            assertTrue(BROKER.broker().kiosks().state().kiosk(enrolled).orElseThrow().revoked());
            assertEquals(Boolean.FALSE, browser.script("return !!document.querySelector(arguments[0])",
                    row + " button.revoke"), "a revoked kiosk offers no second revocation");
        }
    }

    private static String row(KioskId kiosk) {
        return "tr[data-kiosk='" + kiosk.value() + "']";
    }

    /** The page's QR canvas as a PNG, decoded by ZXing. */
    private static String qrCodeOnThePage(Chromium browser) throws Exception {
        String url = (String) browser.script("return document.getElementById('token-qr').toDataURL('image/png')");
        byte[] png = Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        var source = new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)),
                Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
    }
}
