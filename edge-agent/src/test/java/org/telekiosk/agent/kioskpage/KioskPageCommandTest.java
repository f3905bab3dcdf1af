package org.telekiosk.agent.kioskpage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kiosk-page.command}: a program and arguments, the URL one argument in place of {@code {url}}. */
class KioskPageCommandTest {
    static final URI URL = URI.create("https://broker.example:8443/kiosk.html#kiosk-token=abc_DEF-123");

    @org.junit.jupiter.api.Test
    void theUrlBecomesExactlyOneArgumentWhereTheTemplateSaysAndNoShellIsInvolved() {
        KioskPageCommand command = new KioskPageCommand("  chromium --kiosk   {url} --noerrdialogs ");
        assertEquals(List.of("chromium", "--kiosk", URL.toString(), "--noerrdialogs"), command.arguments(URL));
        assertEquals("chromium", command.program());
    }

    @ParameterizedTest
    @ValueSource(strings = {"chromium --kiosk", "{url}", "chromium --app={url}", "", "   "})
    void aCommandWithoutAProgramOrWithoutAStandaloneUrlPlaceholderIsRefusedWithAnExample(String template) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KioskPageCommand(template));
        assertTrue(e.getMessage().contains("kiosk-page.command") && e.getMessage().contains("chromium --kiosk {url}"),
                e.getMessage());
    }
}
