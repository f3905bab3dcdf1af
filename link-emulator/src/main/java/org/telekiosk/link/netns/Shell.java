package org.telekiosk.link.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code ip} and {@code tc} commands the namespace needs; a failure names the command and its output. */
final class Shell {
    private Shell() {}

    /** Runs {@code command}, returns its output; throws with the command and its output if it fails. */
    static String run(List<String> command) throws IOException {
        Result result = attempt(command);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + result.exit() + "): "
                    + result.output().strip());
        }
        return result.output();
    }

    record Result(int exit, String output) {}

    /** Runs {@code command} and returns its exit code and output, whatever they are. */
    static Result attempt(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 30 s");
            }
            return new Result(process.exitValue(), output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
    }
}
