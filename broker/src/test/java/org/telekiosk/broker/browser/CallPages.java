package org.telekiosk.broker.browser;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/** The steps of a call through the real pages, for tests whose browsers reach the broker under different origins. */
public final class CallPages {
    private CallPages() {
    }

    /**
     * Opens the doctor console at {@code origin} for the fixture's consultation, logged in by its session cookie, and
     * waits until its script has opened the call view ({@link #awaitDoctorConsole}).
     */
    public static void openDoctorConsole(Chromium doctor, ConsultationFixture fixture, String origin) {
        openSameOrigin(doctor, origin + "/healthz");
        doctor.driver().manage().addCookie(new Cookie.Builder("tk_session", fixture.session().value())
                .path("/").isSecure(true).isHttpOnly(true).sameSite("Strict").build());
        openSameOrigin(doctor, origin + "/doctor.html#consultation=" + fixture.consultation().id());
        awaitDoctorConsole(doctor);
    }

    /**
     * Waits until the doctor console's script has run and shows the call view. A clean-clone CI run once saw the
     * console's HTML with every section still hidden 90 s later (its module never ran); should that happen, the page's
     * console is printed and the page loaded once more, as a doctor would, so that a failure names the cause.
     */
    static void awaitDoctorConsole(Chromium doctor) {
        String shown = "return !document.getElementById('room')?.classList.contains('hidden')";
        for (int attempt = 1; ; attempt++) {
            try {
                Chromium.await("the doctor console shows the call", PAGE_READY)
                        .until(() -> Boolean.TRUE.equals(doctor.script(shown)));
                return;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                String state = doctor.describe();
                if (attempt == 2) {
                    throw new AssertionError("the doctor console never showed the call: " + state, e);
                }
                System.out.println("The doctor console did not show the call, loading it again: " + state);
                doctor.driver().navigate().refresh();
            }
        }
    }

    /** How long a page may take from its navigation until its script has drawn it: generous for a loaded machine. */
    static final Duration PAGE_READY = Duration.ofSeconds(45);

    /**
     * Navigates to {@code url} and makes sure the browser is on its origin afterwards. A navigation that fails at the
     * network level leaves Chromium on its error page (chrome-error://), where setting a cookie for the broker fails
     * with "invalid cookie domain" (seen once in a clean-clone CI run of UdpBlockedCallTest): the failure is printed
     * with Chromium's error text and the navigation tried again, at most three times.
     */
    public static void openSameOrigin(Chromium browser, String url) {
        String origin = URI.create(url).resolve("/").toString();
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            browser.driver().get(url);
            // the document's own address: on Chromium's error page getCurrentUrl() still gives the URL asked for,
            // while location.href is chrome-error://chromewebdata/ (LadderBrowserTest's module import then failed
            // from there once in a loop at load 60)
            String current = String.valueOf(browser.script("return location.href"));
            if (current != null && current.startsWith(origin)) {
                return;
            }
            String failure = "attempt " + attempt + ": on " + current + " — " + browser.script(
                    "return document.body ? document.body.innerText.slice(0, 300) : ''");
            System.out.println("Navigation to " + url + " failed, " + failure);
            failures.add(failure);
        }
        throw new AssertionError("the browser never reached " + url + ": " + failures);
    }

    /** Opens the kiosk page at {@code origin} and enters the join code. */
    public static void enterCode(Chromium patient, String origin, String code) {
        openKioskPage(patient, origin);
        enterCode(patient, code);
    }

    /** Opens the kiosk page at {@code origin} (a browser without a kiosk session) and waits for its code entry. */
    public static void openKioskPage(Chromium patient, String origin) {
        openSameOrigin(patient, origin + "/kiosk.html");
        awaitCodeEntry(patient);
    }

    /**
     * Enters the join code on the open kiosk page, once the page's script shows its code entry: typed into the form
     * before the script has taken it over, the code would be submitted as a plain GET of {@code kiosk.html?} (seen in
     * a clean-clone CI run) and lost.
     */
    public static void enterCode(Chromium patient, String code) {
        awaitCodeEntry(patient);
        patient.driver().findElement(By.id("code")).sendKeys(code);
        patient.driver().findElement(By.cssSelector("#code-form button")).click();
    }

    /** Waits until the kiosk page's script has run through its start and shows the code entry. */
    static void awaitCodeEntry(Chromium patient) {
        try {
            Chromium.await("the kiosk page shows its code entry", PAGE_READY)
                    .until(() -> "enter".equals(patient.script("return document.body?.dataset.state")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the kiosk page never showed its code entry: " + patient.describe(), e);
        }
    }

    /** Waits until the patient is in the waiting room, then admits them. */
    public static void admitWaitingPatient(Chromium doctor, Duration atMost) {
        Chromium.await("the patient waits", atMost)
                .until(() -> !doctor.driver().findElements(By.cssSelector("#waiting li .admit")).isEmpty());
        doctor.script("document.querySelector('#waiting li .admit').click()");
    }
}
