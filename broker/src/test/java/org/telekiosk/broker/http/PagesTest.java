package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pages keep to the strict CSP (no inline script or handler, scripts only as same-origin modules), put German
 * first, and contain no recording feature (issue 3: nothing is recorded anywhere).
 */
class PagesTest {
    private static String page(String name) throws IOException {
        try (InputStream in = PagesTest.class.getResourceAsStream("/web/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"index.html", "doctor.html", "kiosk.html", "technician.html"})
    void everyPageLoadsItsScriptsAsSameOriginModulesAndHasNoInlineCode(String name) throws IOException {
        String html = page(name);
        assertTrue(html.startsWith("<!doctype html>\n<html lang=\"de\">"), name + " is German first");
        Matcher script = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        while (script.find()) {
            assertTrue(script.group(1).matches(" type=\"module\" src=\"/[a-z]+\\.js\""), script.group());
            assertTrue(script.group(2).isBlank(), "no inline script in " + name);
        }
        assertFalse(Pattern.compile("\\son[a-z]+=").matcher(html).find(), "no inline event handler in " + name);
        assertFalse(html.contains("style=\""), "no inline style in " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor.html", "doctor.js", "kiosk.html", "kiosk.js", "call.js", "signal.js",
        "technician.html", "technician.js", "login.js"})
    void noPageCanRecord(String name) throws IOException {
        String text = page(name);
        assertFalse(text.contains("MediaRecorder"), name);
        assertFalse(text.contains("captureStream"), name);
        assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains("innerhtml"), name + " writes text only");
    }
}
