package org.telekiosk.broker.browser;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/** The steps of a call through the real pages, for tests whose browsers reach the broker under different origins. */
public final class CallPages {
    private CallPages() {
    }

    /** Opens the doctor console at {@code origin} for the fixture's consultation, logged in by its session cookie. */
    public static void openDoctorConsole(Chromium doctor, ConsultationFixture fixture, String origin) {
        doctor.driver().get(origin + "/healthz");
        doctor.driver().manage().addCookie(new Cookie.Builder("tk_session", fixture.session().value())
                .path("/").isSecure(true).isHttpOnly(true).sameSite("Strict").build());
        doctor.driver().get(origin + "/doctor.html#consultation=" + fixture.consultation().id());
    }

    /** Opens the kiosk page at {@code origin} and enters the join code. */
    public static void enterCode(Chromium patient, String origin, String code) {
        openKioskPage(patient, origin);
        enterCode(patient, code);
    }

    public static void openKioskPage(Chromium patient, String origin) {
        patient.driver().get(origin + "/kiosk.html");
    }

    /** Enters the join code on the open kiosk page. */
    public static void enterCode(Chromium patient, String code) {
        patient.driver().findElement(By.id("code")).sendKeys(code);
        patient.driver().findElement(By.cssSelector("#code-form button")).click();
    }

    /** Waits until the patient is in the waiting room, then admits them. */
    public static void admitWaitingPatient(Chromium doctor, Duration atMost) {
        Chromium.await("the patient waits", atMost)
                .until(() -> !doctor.driver().findElements(By.cssSelector("#waiting li .admit")).isEmpty());
        doctor.script("document.querySelector('#waiting li .admit').click()");
    }
}
