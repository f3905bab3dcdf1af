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
 * panel's injected {@code now}, so nothing waits for real time to pass.
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

            Map<String, Object> fresh = tiles(browser, 0);
            assertFalse(classes(fresh, "temperature").contains("late"), fresh.toString());
            assertTrue(meta(fresh, "temperature").matches(".*vor \\d s · \\d s ago.*"), fresh.toString());

            Map<String, Object> late = tiles(browser, 20_000);
            for (String vital : List.of("spo2", "temperature")) {
                assertTrue(classes(late, vital).contains("late"), vital + ": " + late);
                assertTrue(meta(late, vital).contains("verspätet · late"), vital + ": " + late);
                assertTrue(meta(late, vital).matches(".*vor 2\\d s · 2\\d s ago.*"), vital + ": " + late);
            }
            assertFalse(classes(late, "pressure").contains("late"), "blood pressure is on request: " + late);
            assertTrue(meta(late, "pressure").matches(".*vor 2\\d s.*"), late.toString());

            Map<String, Object> old = tiles(browser, 200_000);
            for (String vital : List.of("spo2", "temperature", "pressure")) {
                assertTrue(classes(old, vital).contains("stale"), vital + ": " + old);
                assertTrue(meta(old, vital).contains("veraltet · out of date"), vital + ": " + old);
                assertTrue(meta(old, vital).contains("vor 3 min · 3 min ago"), vital + ": " + old);
            }

            tiles(browser, 0);
            call.publish(call.reading(5, LoincCode.BODY_TEMPERATURE, 37.1, UcumUnit.CELSIUS, Instant.now()));
            await("the new temperature").atMost(WAIT).until(() -> "37,1".equals(browser.script(
                    "return document.querySelector('[data-vital=temperature] .number')?.textContent")));
            Map<String, Object> after = tiles(browser, 0);
            assertEquals("vital", classes(after, "temperature").trim(), "current again: " + after);
            assertTrue(meta(after, "temperature").matches(".*vor \\d s · \\d s ago"), after.toString());
        }
    }

    /** Moves the panel's clock {@code aheadMs} past real time, redraws, and reads every tile in one script call. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> tiles(Chromium browser, long aheadMs) {
        return (Map<String, Object>) browser.script("const v = window.telekiosk.vitals;"
                + " v.now = () => Date.now() + arguments[0]; v.renderAll();"
                + " return Object.fromEntries([...document.querySelectorAll('[data-vital]')].map((t) =>"
                + " [t.dataset.vital, {classes: t.className, meta: t.querySelector('.meta').textContent}]));",
                aheadMs);
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
