package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.UcumUnit;

/**
 * Honest staleness on the doctor's vital tiles, in headless Chromium against a real broker with a kiosk on MQTT:
 * every tile shows the age of its reading; past three periods of the sensor's rate (15 s for the 5 s sensors) it
 * greys and says "verspätet · late", blood pressure (on request only) never does; past {@code vitals.stale-after}
 * every tile says "veraltet"; a new reading makes its tile current again. The page's clock is moved through the
 * panel's injected {@code now}, set from the readings' own time, so nothing waits for real time to pass.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class VitalsStalenessBrowserTest {
    private static final Duration WAIT = Chromium.PATIENCE;

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void tilesShowTheirAgeAndGreyWhenTheirSensorIsLate() throws Exception {
        try (KioskInCall call = KioskInCall.open(BROKER, "browser-staleness", "dr.stale")) {
            Chromium browser = call.browser();
            Instant now = Instant.now();
            call.publish(call.reading(1, LoincCode.OXYGEN_SATURATION, 97, UcumUnit.PERCENT, now));
            call.publish(call.reading(2, LoincCode.BODY_TEMPERATURE, 36.9, UcumUnit.CELSIUS, now));
            call.publish(call.reading(3, LoincCode.SYSTOLIC_PRESSURE, 118, UcumUnit.MM_HG, now));
            call.publish(call.reading(4, LoincCode.DIASTOLIC_PRESSURE, 76, UcumUnit.MM_HG, now));
            await("the tiles").atMost(WAIT).until(() -> "118 / 76".equals(browser.script(
                    "return document.querySelector('[data-vital=pressure] .number')?.textContent")));

            Map<String, Object> fresh = tiles(browser, now.plusSeconds(5));
            assertFalse(classes(fresh, "temperature").contains("late"), fresh.toString());
            assertTrue(meta(fresh, "temperature").matches(".*vor \\d s · \\d s ago.*"), fresh.toString());

            Map<String, Object> late = tiles(browser, now.plusSeconds(25));
            for (String vital : List.of("spo2", "temperature")) {
                assertTrue(classes(late, vital).contains("late"), vital + ": " + late);
                assertTrue(meta(late, vital).contains("verspätet · late"), vital + ": " + late);
                assertTrue(meta(late, vital).matches(".*vor 2\\d s · 2\\d s ago.*"), vital + ": " + late);
            }
            assertFalse(classes(late, "pressure").contains("late"), "blood pressure is on request: " + late);
            assertTrue(meta(late, "pressure").matches(".*vor 2\\d s.*"), late.toString());

            Map<String, Object> old = tiles(browser, now.plusSeconds(200));
            for (String vital : List.of("spo2", "temperature", "pressure")) {
                assertTrue(classes(old, vital).contains("stale"), vital + ": " + old);
                assertTrue(meta(old, vital).contains("veraltet · out of date"), vital + ": " + old);
                assertTrue(meta(old, vital).contains("vor 3 min · 3 min ago"), vital + ": " + old);
            }

            tiles(browser, null);
            Instant fifth = Instant.now();
            call.publish(call.reading(5, LoincCode.BODY_TEMPERATURE, 37.1, UcumUnit.CELSIUS, fifth));
            await("the new temperature").atMost(WAIT).until(() -> "37,1".equals(browser.script(
                    "return document.querySelector('[data-vital=temperature] .number')?.textContent")));
            Map<String, Object> after = tiles(browser, fifth.plusSeconds(5));
            assertEquals("vital", classes(after, "temperature").trim(), "current again: " + after);
            assertTrue(meta(after, "temperature").matches(".*vor \\d s · \\d s ago"), after.toString());
        }
    }

    /**
     * Sets the panel's clock to {@code at} (real time again with null), redraws, and reads every tile in one script
     * call. The clock is set from the readings' own time, not moved past real time: on a loaded machine the tiles
     * may appear many seconds after the readings were taken, and the ages read must not depend on that.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> tiles(Chromium browser, Instant at) {
        return (Map<String, Object>) browser.script("const v = window.telekiosk.vitals; const at = arguments[0];"
                + " v.now = at === null ? () => Date.now() : () => at; v.renderAll();"
                + " return Object.fromEntries([...document.querySelectorAll('[data-vital]')].map((t) =>"
                + " [t.dataset.vital, {classes: t.className, meta: t.querySelector('.meta').textContent}]));",
                at == null ? null : at.toEpochMilli());
    }

    @SuppressWarnings("unchecked")
    private static String classes(Map<String, Object> tiles, String vital) {
        return (String) ((Map<String, Object>) tiles.get(vital)).get("classes");
    }

    @SuppressWarnings("unchecked")
    private static String meta(Map<String, Object> tiles, String vital) {
        return (String) ((Map<String, Object>) tiles.get(vital)).get("meta");
    }
}
