package org.telekiosk.broker.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium through its chromedriver (FACTS.md, "Browsers and WebRTC"): fake camera and
 * microphone, loopback peer connections allowed, a fresh profile, and trust for exactly one server certificate
 * (by its public key hash), so that the broker's self-signed TLS needs no global exception.
 *
 * <p>The pages redraw lists, tables and tiles whenever something changes ({@code replaceChildren}), so a
 * {@code WebElement} found a moment ago may be gone when it is read: reads go through {@link #text}, {@link
 * #attribute}, {@link #displayed} and {@link #value}, each one {@code executeScript} call that finds and reads
 * together, and clicks on redrawn parts through {@link #click}. Waits use {@link #await}, which also tolerates an
 * element replaced between finding and reading.
 */
public final class Chromium implements AutoCloseable {
    private final Path dir;
    private final ChromeDriver driver;

    public Chromium(X509Certificate serverCertificate, List<String> extraFlags) throws IOException {
        this(serverCertificate, extraFlags, List.of());
    }

    /**
     * A Chromium started through {@code launcher} (e.g. {@code ip netns exec <ns>}: the browser in a network
     * namespace of its own). chromedriver stays on this host and drives it over a pipe
     * ({@code --remote-debugging-pipe}), since the browser's loopback is not this host's.
     */
    public static Chromium launchedBy(List<String> launcher, X509Certificate serverCertificate,
            List<String> extraFlags) throws IOException {
        return new Chromium(serverCertificate, extraFlags, launcher);
    }

    private Chromium(X509Certificate serverCertificate, List<String> extraFlags, List<String> launcher)
            throws IOException {
        RequiredPrograms.Program.CHROMIUM.require();
        RequiredPrograms.Program.CHROMEDRIVER.require();
        dir = Files.createTempDirectory("telekiosk-chromium");
        Path profile = dir.resolve("profile");
        ChromeOptions options = new ChromeOptions();
        if (launcher.isEmpty()) {
            options.setBinary("/usr/bin/chromium");
        } else {
            Path wrapper = dir.resolve("launch-chromium");
            StringBuilder script = new StringBuilder("#!/bin/sh\nexec");
            for (String part : launcher) {
                script.append(" '").append(part.replace("'", "'\\''")).append('\'');
            }
            Files.writeString(wrapper, script.append(" /usr/bin/chromium \"$@\"\n"));
            Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            options.setBinary(wrapper.toFile());
            options.addArguments("--remote-debugging-pipe");
        }
        List<String> flags = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection", "--user-data-dir=" + profile,
                "--ignore-certificate-errors-spki-list=" + spkiHash(serverCertificate)));
        flags.addAll(extraFlags);
        options.addArguments(flags);
        // the page's console (failed module loads, uncaught errors) for failure messages: describe()
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    /**
     * How long a browser test waits for what a page is to show. Generous: on a loaded 2-core machine the kiosk page
     * once took over 30 s from the join code to the waiting room (its pre-call check measures camera, microphone and
     * the link first); a wait ends as soon as its condition holds, so this costs nothing when the machine is idle.
     */
    public static final Duration PATIENCE = Duration.ofSeconds(90);

    static String spkiHash(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Runs {@code script} with a callback {@code done} as its last argument and returns what it passes. */
    public Object async(String script) {
        return ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];" + script);
    }

    /** The page's {@code window.telekiosk.videoStats()}: framesDecoded and connectionState. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> videoStats() {
        Object result = async("if (!window.telekiosk) { done({framesDecoded: 0, connectionState: 'none'}); return; }"
                + "window.telekiosk.videoStats().then(done, (e) => done({framesDecoded: 0, "
                + "connectionState: 'error ' + e}));");
        return (Map<String, Object>) result;
    }

    public long framesDecoded() {
        return ((Number) videoStats().get("framesDecoded")).longValue();
    }

    public boolean connectedWithVideo() {
        Map<String, Object> stats = videoStats();
        return ((Number) stats.get("framesDecoded")).longValue() > 0 && "connected".equals(stats.get("connectionState"));
    }

    /**
     * Where the page is, what its status line says, which sections show, and the page's console warnings and errors
     * since the last call (a module that failed to load, an uncaught exception), for failure messages.
     */
    public String describe() {
        return script("return location.href") + " status=" + script(
                "return document.getElementById('status')?.textContent")
                + " sections=" + script("return [...document.querySelectorAll('main > section')].map(s => s.id + ':'"
                + " + !s.classList.contains('hidden')).join(',')") + " console=" + consoleProblems();
    }

    /** The page's console entries at WARNING or above since the last read (read once: the driver forgets them). */
    public List<String> consoleProblems() {
        try {
            return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(e -> e.getLevel() + " " + e.getMessage()).toList();
        } catch (RuntimeException e) {
            return List.of("(console not readable: " + e + ")");
        }
    }

    /**
     * A wait that retries while an element it reads was replaced by a redraw or is not drawn yet (instead of
     * failing on the first {@link StaleElementReferenceException}).
     */
    public static ConditionFactory await(String what, Duration atMost) {
        return Awaitility.await(what).atMost(atMost)
                .ignoreException(StaleElementReferenceException.class)
                .ignoreException(NoSuchElementException.class);
    }

    /** The rendered text ({@code innerText}) of the first element matching {@code css}, or null if there is none. */
    public String text(String css) {
        return (String) script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    }

    /**
     * An attribute of the first element matching {@code css} ("" if it has none, as Selenium reads {@code class}),
     * or null if there is no such element.
     */
    public String attribute(String css, String name) {
        return (String) script("const e = document.querySelector(arguments[0]);"
                + " return e ? (e.getAttribute(arguments[1]) ?? '') : null;", css, name);
    }

    /** The {@code value} of the first input matching {@code css}, or null if there is none. */
    public String value(String css) {
        return (String) script("const e = document.querySelector(arguments[0]); return e ? e.value : null;", css);
    }

    /** Whether the first element matching {@code css} exists and is drawn (it and its ancestors shown). */
    public boolean displayed(String css) {
        return Boolean.TRUE.equals(script("const e = document.querySelector(arguments[0]); if (!e) return false;"
                + " const s = getComputedStyle(e);"
                + " return e.getClientRects().length > 0 && s.visibility !== 'hidden';", css));
    }

    /** Clicks the first element matching {@code css}, found and clicked in one script call; fails if there is none. */
    public void click(String css) {
        if (!Boolean.TRUE.equals(script("const e = document.querySelector(arguments[0]); if (!e) return false;"
                + " e.click(); return true;", css))) {
            throw new AssertionError("nothing to click at " + css + ": " + describe());
        }
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public Object script(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
