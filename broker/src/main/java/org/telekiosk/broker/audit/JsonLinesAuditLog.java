package org.telekiosk.broker.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An audit log appended to a file, one JSON object a line ({@code at, actor, action, subject, detail}), 0600. Both
 * the running broker and the command-line tools ({@code enrollment-token}, {@code revoke}) append to the same file,
 * each line with one {@code write} in append mode, so lines of two processes never interleave. Until the SQL audit
 * table exists (issue 6) this keeps the kiosk events (tokens, enrollment, renewal, revocation) across restarts.
 */
public final class JsonLinesAuditLog implements AuditLog {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final Path file;

    public JsonLinesAuditLog(Path file) {
        this.file = file;
    }

    private record Line(String at, String actor, String action, String subject, String detail) {}

    @Override
    public synchronized void record(AuditEvent event) {
        try {
            byte[] line = (JSON.writeValueAsString(new Line(event.at().toString(), event.actor().value(),
                    event.action().name(), event.subject(), event.detail())) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // Another process made it first.
                }
            }
            Files.write(file, line, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit log " + file, e);
        }
    }

    @Override
    public synchronized List<AuditEvent> since(Instant from) {
        List<AuditEvent> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        try {
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (text.isBlank()) {
                    continue;
                }
                Line l = JSON.readValue(text, Line.class);
                AuditEvent e = new AuditEvent(Instant.parse(l.at()), new AuditActor(l.actor()),
                        AuditAction.valueOf(l.action()), l.subject(), l.detail());
                if (!e.at().isBefore(from)) {
                    events.add(e);
                }
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("the audit log " + file + " has a malformed line", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    @Override
    public synchronized int purgeBefore(Instant cutoff) {
        List<AuditEvent> kept = since(cutoff);
        int before = since(Instant.MIN).size();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kept.forEach(this::record);
        return before - kept.size();
    }
}
