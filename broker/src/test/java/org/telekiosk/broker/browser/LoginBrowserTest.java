package org.telekiosk.broker.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;

/**
 * The staff pages' one login form ({@code login.js}) in headless Chromium against a real broker: on the doctor console
 * and on the technician page a wrong password says "login failed", and once the broker throttles the logins (429,
 * after five failures per login name and per address) the page says "too many attempts" instead.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class LoginBrowserTest {
    private static final Duration PATIENCE = Chromium.PATIENCE;
    private static final String FAILED = "Anmeldung fehlgeschlagen. Login failed.";
    private static final String THROTTLED = "Zu viele Versuche; bitte später erneut. Too many attempts; try again later.";

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void bothStaffPagesTellAFailedLoginApartFromAThrottledOne() throws Exception {
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium browser = new Chromium(certificate, List.of())) {
            // A fresh broker: the first five failures are plain failures, the sixth is throttled.
            List<String> doctorPage = attempts(browser, "/doctor.html", "dr.nobody", 6);
            assertEquals(List.of(FAILED, FAILED, FAILED, FAILED, FAILED, THROTTLED), doctorPage);
            // The client address is throttled by now too: the technician page says so at once.
            List<String> technicianPage = attempts(browser, "/technician.html", "tech.nobody", 1);
            assertEquals(List.of(THROTTLED), technicianPage);
        }
    }

    /** Submits a wrong password {@code count} times through the page's form; the login error shown after each. */
    private static List<String> attempts(Chromium browser, String page, String login, int count) {
        browser.driver().get(BROKER.origin() + page);
        Chromium.await("the login form on " + page, PATIENCE).until(() -> browser.displayed("#login-form"));
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            browser.script("document.getElementById('login-error').textContent = ''");
            var name = browser.driver().findElement(By.id("login-name"));
            name.clear();
            name.sendKeys(login);
            browser.driver().findElement(By.id("login-password")).sendKeys("not the password", Keys.ENTER);
            Chromium.await("the login error on " + page, PATIENCE)
                    .until(() -> !browser.text("#login-error").isEmpty());
            String text = browser.text("#login-error");
            assertTrue(browser.displayed("#login-form"), "the form stays for another try");
            shown.add(text);
        }
        return shown;
    }
}
