package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The doctor's call view in headless Chromium against a real broker while a kiosk (over MQTT with its enrolled
 * certificate) streams: the vitals tiles show the kiosk's values with their units, a value outside the configured
 * range is marked, and the ECG canvas draws (its pixels read back through JavaScript).
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class VitalsBrowserTest {
    private static final Duration WAIT = Chromium.PATIENCE;

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void theCallViewsTilesUpdateAndTheEcgCanvasDrawsWhileTheKioskStreams() throws Exception {
        try (KioskInCall call = KioskInCall.open(BROKER, "browser-vitals", "dr.vitals")) {
            KioskId kiosk = call.kiosk();
            Chromium browser = call.browser();

            Instant now = Instant.now();
            long seq = 1;
            call.publish(call.reading(seq++, LoincCode.OXYGEN_SATURATION, 98, UcumUnit.PERCENT, now));
            call.publish(call.reading(seq++, LoincCode.HEART_RATE, 131, UcumUnit.PER_MINUTE, now));
            call.publish(call.reading(seq++, LoincCode.BODY_TEMPERATURE, 36.8, UcumUnit.CELSIUS, now));
            call.publish(call.reading(seq++, LoincCode.SYSTOLIC_PRESSURE, 121, UcumUnit.MM_HG, now));
            call.publish(call.reading(seq++, LoincCode.DIASTOLIC_PRESSURE, 79, UcumUnit.MM_HG, now));
            // The ECG streams as a kiosk's does, a batch a second until the test is done: the trace shows the last
            // 5 s of the page's clock, so four batches sent once could scroll out while a loaded machine still drew
            // the tiles (a clean-clone CI run: no trace in 90 s, the tiles fine).
            long first = seq;
            AtomicLong next = new AtomicLong(first);
            ScheduledExecutorService stream = Executors.newSingleThreadScheduledExecutor();
            stream.scheduleAtFixedRate(() -> {
                try {
                    long n = next.getAndIncrement();
                    call.publish(ecg(kiosk, n, now.plusSeconds(n - first)));
                } catch (Exception e) {
                    System.err.println("publishing an ECG batch: " + e);
                }
            }, 0, 1, TimeUnit.SECONDS);
            try {
                await("the tiles").atMost(WAIT).until(() -> "98".equals(text(browser, "spo2"))
                        && "131".equals(text(browser, "pulse")) && "121 / 79".equals(text(browser, "pressure")));
                assertEquals("36,8", text(browser, "temperature"));
                assertEquals("°C", browser.script(
                        "return document.querySelector('[data-vital=temperature] .unit').textContent"));
                assertEquals("mmHg", browser.script(
                        "return document.querySelector('[data-vital=pressure] .unit').textContent"));
                // The tiles are redrawn as readings arrive: each is found and read in one script call.
                assertTrue(browser.attribute("[data-vital=pulse]", "class").contains("outside"),
                        "131/min is outside the default range 50..110");
                assertTrue(browser.text("[data-vital=pulse] .meta").contains("außerhalb des Bereichs · outside range"));
                assertTrue(!browser.attribute("[data-vital=spo2]", "class").contains("outside"));

                await("the ECG trace").atMost(WAIT).until(() -> ((Number) browser.script(
                        "const c = document.querySelector('[data-signal=ecg] canvas');"
                        + "if (!c) return 0;"
                        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;"))
                        .intValue() > 200);
                long frames = frames(browser);
                await("the trace keeps scrolling").atMost(WAIT).until(() -> frames(browser) > frames + 10);
            } finally {
                stream.shutdownNow();
            }
        }
    }

    private static String text(Chromium browser, String vital) {
        return (String) browser.script("const e = document.querySelector('[data-vital=" + vital + "] .number');"
                + "return e ? e.textContent : null");
    }

    private static long frames(Chromium browser) {
        Object frames = browser.script("const c = document.querySelector('[data-signal=ecg] canvas');"
                + "return c ? Number(c.dataset.frames || 0) : 0");
        return ((Number) frames).longValue();
    }

    /** One second of a 250 Hz ECG-like sawtooth with a spike per beat. */
    private static WaveformBatch ecg(KioskId kiosk, long seq, Instant start) {
        List<Integer> samples = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            samples.add(i % 200 < 5 ? 1500 : (i % 50) * 4);
        }
        return new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250, start,
                0.001, samples);
    }
}
