package org.telekiosk.broker.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * The pre-call check's camera verdict ({@code precheck.js}) against cameras that behave as a busy kiosk's can: the
 * kiosk page's own {@code PreCheck} runs on a canvas stream instead of the fake camera, whose frames the test controls.
 * A camera whose first frame comes only after 6 s (a kiosk under load) shows a picture, not "dark"; a camera that
 * delivers black frames is dark. Each run takes its 5 s of frames (or 6 s of waiting) in the page, not in the test.
 */
class PreCheckCameraBrowserTest {
    @RegisterExtension
    static final BrokerExtension BROKER = BrokerExtension.shared();

    static Chromium page;

    @BeforeAll
    static void openKioskPage() throws Exception {
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        page = new Chromium(certificate, List.of());
        page.driver().manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(60));
        CallPages.openKioskPage(page, BROKER.origin());
        page.script("document.getElementById('check').classList.remove('hidden')"); // frames of a shown video
    }

    @AfterAll
    static void close() throws java.io.IOException {
        if (page != null) {
            page.close();
        }
    }

    @Test
    void aCameraWhoseFirstFrameComesLateShowsAPicture() {
        // a track whose frames the test writes (Chromium's MediaStreamTrackGenerator): none for the first 6 s, then a
        // coloured one every 100 ms (a canvas stream would deliver its first, black, frame at once)
        Map<String, Object> result = check("""
                const track = new MediaStreamTrackGenerator({ kind: 'video' });
                const writer = track.writable.getWriter();
                setTimeout(() => setInterval(() => {
                  paint();
                  writer.write(new VideoFrame(canvas, { timestamp: Math.round(performance.now() * 1000) }));
                }, 100), 6000);
                return new MediaStream([track]);""");
        assertEquals("picture", result.get("camera"), result.toString());
        assertEquals("ok", result.get("line"), result.toString());
    }

    @Test
    void aCameraThatDeliversBlackFramesIsDark() {
        Map<String, Object> result = check("return canvas.captureStream(10);");
        assertEquals("dark", result.get("camera"), result.toString());
        assertEquals("fail", result.get("line"), result.toString());
    }

    /** Runs the page's camera check on the stream {@code makeStream} returns (a black 64×48 canvas to start with). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(String makeStream) {
        return (Map<String, Object>) page.async("""
                const canvas = document.createElement('canvas');
                canvas.width = 64;
                canvas.height = 48;
                const g = canvas.getContext('2d');
                g.fillStyle = '#000';
                g.fillRect(0, 0, 64, 48);
                const paint = () => {
                  for (let x = 0; x < 64; x += 8) {
                    g.fillStyle = `hsl(${x * 5}, 80%, 50%)`;
                    g.fillRect(x, 0, 8, 48);
                  }
                };
                const stream = (() => {""" + makeStream + """
                })();
                import('/precheck.js').then(async ({ PreCheck }) => {
                  const video = document.getElementById('check-video');
                  video.srcObject = stream;
                  const check = new PreCheck(stream, { camera: true, microphone: false });
                  await check.checkCamera();
                  stream.getTracks().forEach((t) => t.stop());
                  done({ camera: check.results.camera,
                    line: document.getElementById('check-camera').dataset.result,
                    text: document.getElementById('check-camera').textContent });
                }, (e) => done({ camera: 'error ' + e }));
                """);
    }
}
