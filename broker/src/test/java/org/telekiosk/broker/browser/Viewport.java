package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;

/**
 * Window sizes and what fits in them (issue 19): the page set to a CSS viewport of exactly {@code width × height},
 * then, read in one script (robust to re-renders), whether the document scrolls and where the named elements are.
 * Screenshots go to {@code target/screenshots}, or to the directory of the system property
 * {@code telekiosk.screenshots} (the ones in {@code docs/screenshots} were made with
 * {@code -Dtelekiosk.screenshots=$PWD/docs/screenshots}).
 */
final class Viewport {
    private Viewport() {}

    /**
     * Sizes the window so that the page's viewport ({@code innerWidth × innerHeight}) is {@code width × height}.
     * The renderer learns of a window resize asynchronously, so each step waits until the page reports the window
     * size it was given ({@code outerWidth × outerHeight}) before it reads the viewport; reading at once saw the
     * previous size now and then (a viewport of 720×1137 after the window was set to fit 720×1280).
     */
    static void resize(Chromium browser, int width, int height) {
        List<Long> inner = setWindow(browser, width, height);
        long dw = width - inner.get(0);
        long dh = height - inner.get(1);
        if (dw != 0 || dh != 0) {
            inner = setWindow(browser, (int) (width + dw), (int) (height + dh));
        }
        assertEquals(List.of((long) width, (long) height), inner, "the viewport");
    }

    /** Sets the window's size, waits until the page sees it, and returns the page's viewport then. */
    @SuppressWarnings("unchecked")
    private static List<Long> setWindow(Chromium browser, int width, int height) {
        browser.driver().manage().window().setSize(new Dimension(width, height));
        List<Long> seen = await("the page to see a window of " + width + "x" + height).atMost(Chromium.PATIENCE)
                .until(() -> (List<Long>) browser.script("return [window.outerWidth, window.outerHeight,"
                        + " window.innerWidth, window.innerHeight]"),
                        s -> s.get(0) == width && s.get(1) == height);
        return seen.subList(2, 4);
    }

    /**
     * What does not fit: an empty list if the document does not scroll either way and every element of
     * {@code selectors} exists, is displayed with a non-empty box, and lies inside the viewport.
     */
    @SuppressWarnings("unchecked")
    static List<String> misfits(Chromium browser, List<String> selectors) {
        return (List<String>) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("""
                const out = [];
                const d = document.documentElement;
                const W = window.innerWidth, H = window.innerHeight;
                if (d.scrollHeight > H) out.push('document scrolls vertically: ' + d.scrollHeight + ' > ' + H);
                if (d.scrollWidth > W) out.push('document scrolls horizontally: ' + d.scrollWidth + ' > ' + W);
                for (const s of arguments[0]) {
                  const e = document.querySelector(s);
                  if (!e) { out.push(s + ' missing'); continue; }
                  const r = e.getBoundingClientRect();
                  if (r.width <= 0 || r.height <= 0) out.push(s + ' has no box');
                  else if (r.left < 0 || r.top < 0 || r.right > W + 0.5 || r.bottom > H + 0.5)
                    out.push(s + ' outside: ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
                  else if (getComputedStyle(e).visibility === 'visible') {
                    // inside the window, but also seen there, whole: what is on top at its centre and just inside
                    // each edge must be the element (or inside it), not a sibling drawn over it or whatever shows
                    // where a clipping parent (overflow: hidden) cut it off
                    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2, i = 3;
                    for (const [where, px, py] of [['centre', x, y], ['top edge', x, r.top + i],
                        ['bottom edge', x, r.bottom - i], ['left edge', r.left + i, y], ['right edge', r.right - i, y]]) {
                      const top = document.elementFromPoint(px, py);
                      if (!top || !(top === e || e.contains(top))) {
                        out.push(s + ' covered or clipped at its ' + where + ' by ' + (top ? top.tagName.toLowerCase()
                            + (top.id ? '#' + top.id : '') + (top.className ? '.' + top.className : '') : 'nothing'));
                        break;
                      }
                    }
                  }
                }
                return out;""", selectors);
    }

    /** Asserts that nothing misfits, saying what does. */
    static void assertFits(Chromium browser, String what, List<String> selectors) {
        List<String> misfits = misfits(browser, selectors);
        assertTrue(misfits.isEmpty(), what + ": " + misfits);
    }

    /**
     * Every visible button, link, input and select smaller than {@code min} CSS px either way (as
     * "selector-ish w×h"); empty when every touch target is large enough.
     */
    @SuppressWarnings("unchecked")
    static List<String> smallTargets(Chromium browser, int min) {
        return (List<String>) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("""
                const out = [];
                for (const e of document.querySelectorAll('button, a[href], input, select, [role=button]')) {
                  const r = e.getBoundingClientRect();
                  if (r.width === 0 && r.height === 0) continue; // not displayed
                  if (r.width < arguments[0] || r.height < arguments[0])
                    out.push((e.id || e.className || e.tagName) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
                }
                return out;""", min);
    }

    /** Saves a screenshot as {@code name}.png (see the class comment for where). */
    static void screenshot(Chromium browser, String name) throws IOException {
        String dir = System.getProperty("telekiosk.screenshots", "target/screenshots");
        Path file = Path.of(dir).resolve(name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, browser.driver().getScreenshotAs(OutputType.BYTES));
    }
}
