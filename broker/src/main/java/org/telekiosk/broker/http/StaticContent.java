package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web pages, loaded from the classpath ({@code /web/...}) once at start, so that serving them never touches the
 * disk on the event loop. Only the files listed here are served.
 */
public final class StaticContent {
    /** A file to serve: its bytes and content type. */
    record Page(ByteBuf bytes, String contentType) {
        ByteBuf body() {
            return bytes.retainedDuplicate();
        }
    }

    private static final List<String> FILES = List.of("index.html", "vitals.js", "style.css", "doctor.html",
            "doctor.js", "kiosk.html", "kiosk.js", "signal.js", "call.js", "call.css", "technician.html",
            "technician.js", "technician.css", "commands.js", "guidance.js", "precheck.js", "mediareport.js",
            "record.html", "record.js", "record.css",
            "ladder.js", "media-rung.js", "link-quality.js", "chat.js", "login.js", "jointime.js");

    /** The size of {@code /probe.bin}, the pre-call check's bandwidth probe: 256 KiB. */
    static final int PROBE_BYTES = 256 * 1024;

    private final Map<String, Page> pages;

    private StaticContent(Map<String, Page> pages) {
        this.pages = pages;
    }

    /** Loads every listed file; fails at start, not at the first request, if one is missing. */
    public static StaticContent load() throws IOException {
        Map<String, Page> pages = new LinkedHashMap<>();
        for (String name : FILES) {
            try (InputStream in = StaticContent.class.getResourceAsStream("/web/" + name)) {
                if (in == null) {
                    throw new IOException("web page /web/" + name + " is missing from the classpath");
                }
                ByteBuf bytes = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(in.readAllBytes()).asReadOnly());
                pages.put("/" + name, new Page(bytes, contentType(name)));
            }
        }
        pages.put("/", pages.get("/index.html"));
        // The kiosk page's pre-call check times this download for a bandwidth estimate: random bytes, so
        // that no compression on the way makes the link look faster than it is; made at start, never stored.
        byte[] probe = new byte[PROBE_BYTES];
        new java.security.SecureRandom().nextBytes(probe);
        pages.put("/probe.bin", new Page(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(probe).asReadOnly()),
                "application/octet-stream"));
        return new StaticContent(Map.copyOf(pages));
    }

    Optional<Page> find(String path) {
        return Optional.ofNullable(pages.get(path));
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
