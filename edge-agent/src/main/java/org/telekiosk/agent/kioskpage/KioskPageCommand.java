package org.telekiosk.agent.kioskpage;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The agent's {@code kiosk-page.command}: a program and its arguments separated by spaces, one of them exactly
 * {@code {url}}, which becomes the kiosk page's URL (one argument, never through a shell, so the URL cannot inject
 * anything). The command line with the URL is a secret: it is never logged.
 */
public final class KioskPageCommand {
    private final List<String> template;

    public KioskPageCommand(String command) {
        List<String> parts = List.of(Objects.requireNonNull(command, "command").strip().split("\\s+"));
        if (parts.getFirst().isEmpty() || parts.getFirst().equals("{url}") || !parts.contains("{url}")) {
            throw new IllegalArgumentException("kiosk-page.command must be a program and its arguments, one of them"
                    + " exactly {url}, e.g. 'chromium --kiosk {url}'");
        }
        this.template = parts;
    }

    /** The program and arguments with {@code url} in place of {@code {url}}. */
    public List<String> arguments(URI url) {
        return template.stream().map(part -> part.equals("{url}") ? url.toString() : part).toList();
    }

    /** The program's name, safe to log. */
    public String program() {
        return template.getFirst();
    }

    /** Starts the command with {@code url}; its output goes to the agent's. */
    public Process start(URI url) throws IOException {
        return new ProcessBuilder(arguments(url)).inheritIO().start();
    }
}
