package org.telekiosk.broker.kiosk;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.protocol.KioskId;

/**
 * The kiosks this broker knows, their enrollment tokens and the certificates no longer trusted, in one JSON file
 * ({@code <data.dir>/kiosks/registry.json}, 0600). The running broker and the command-line tools
 * ({@code enrollment-token}, {@code revoke}) share it: every change re-reads the file under an exclusive lock on
 * {@code registry.lock}, applies itself, and replaces the file atomically; {@link #refresh()} picks up changes made
 * by another process. Reads use the in-memory snapshot and never touch the disk, so the MQTT authenticator may call
 * them on HiveMQ's threads. When each kiosk was last seen is kept in memory only.
 *
 * <p>(Not SQL yet: the store's database is opened by the measurement store; a {@code V3__kiosks.sql} migration with
 * these three tables is the next step once a shared database handle exists.)
 */
public final class KioskRegistry {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addModule(new SimpleModule("instants")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addDeserializer(Instant.class, new StdScalarDeserializer<Instant>(Instant.class) {
                        @Override
                        public Instant deserialize(JsonParser p, com.fasterxml.jackson.databind.DeserializationContext c)
                                throws IOException {
                            return Instant.parse(p.getValueAsString());
                        }
                    }))
            .build();

    /** The file's content. */
    public record State(List<KioskRecord> kiosks, List<TokenRecord> tokens, List<RevokedSerial> revokedSerials,
            long crlNumber) {
        public State {
            kiosks = List.copyOf(kiosks);
            tokens = List.copyOf(tokens);
            revokedSerials = List.copyOf(revokedSerials);
        }

        static State empty() {
            return new State(List.of(), List.of(), List.of(), 0);
        }

        public Optional<KioskRecord> kiosk(KioskId id) {
            return kiosks.stream().filter(k -> k.id().equals(id.value())).findFirst();
        }

        public Optional<TokenRecord> token(String secretHash) {
            return tokens.stream().filter(t -> t.secretHash().equals(secretHash)).findFirst();
        }

        /** This state with {@code record} in place of the kiosk of the same id (or added). */
        public State withKiosk(KioskRecord record) {
            List<KioskRecord> list = new ArrayList<>(kiosks.stream().filter(k -> !k.id().equals(record.id())).toList());
            list.add(record);
            list.sort(java.util.Comparator.comparing(KioskRecord::id));
            return new State(list, tokens, revokedSerials, crlNumber);
        }

        public State withToken(TokenRecord token) {
            List<TokenRecord> list = new ArrayList<>(
                    tokens.stream().filter(t -> !t.secretHash().equals(token.secretHash())).toList());
            list.add(token);
            return new State(kiosks, list, revokedSerials, crlNumber);
        }

        public State withRevoked(RevokedSerial serial) {
            List<RevokedSerial> list = new ArrayList<>(revokedSerials);
            list.add(serial);
            return new State(kiosks, tokens, list, crlNumber + 1);
        }

        /** Without tokens and CRL entries that expired before {@code now}. */
        State pruned(Instant now) {
            return new State(kiosks,
                    tokens.stream().filter(t -> t.expiresAt().isAfter(now.minus(java.time.Duration.ofDays(7)))).toList(),
                    revokedSerials.stream().filter(r -> r.notAfter().isAfter(now)).toList(), crlNumber);
        }
    }

    private final Path file;
    private final Path lockFile;
    private volatile State state = State.empty();
    private volatile FileTime loadedModified;
    private final Map<KioskId, Instant> lastSeen = new ConcurrentHashMap<>();

    private KioskRegistry(Path file) {
        this.file = file;
        this.lockFile = file.resolveSibling("registry.lock");
    }

    /** Opens (or starts) the registry in {@code dir}. Blocking. */
    public static KioskRegistry open(Path dir) throws IOException {
        SecureFiles.ownerOnlyDirectory(dir);
        KioskRegistry registry = new KioskRegistry(dir.resolve("registry.json"));
        registry.refresh();
        return registry;
    }

    /** The current snapshot; never blocks. */
    public State state() {
        return state;
    }

    /**
     * Re-reads the file if another process changed it since; returns whether it did. Blocking (a file stat, and
     * a read after a change).
     */
    public synchronized boolean refresh() throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        FileTime modified = Files.getLastModifiedTime(file);
        if (modified.equals(loadedModified)) {
            return false;
        }
        SecureFiles.requireOwnerOnly(file);
        try {
            state = JSON.readValue(Files.readAllBytes(file), State.class);
        } catch (com.fasterxml.jackson.core.JacksonException | java.time.DateTimeException e) {
            throw new IOException(file + " is not a valid kiosk registry: " + e.getMessage(), e);
        }
        loadedModified = modified;
        return true;
    }

    /**
     * Applies {@code change} to the latest state on disk under the file lock and persists the result; returns it.
     * Blocking: never call on an event loop.
     */
    public synchronized State update(Instant now, UnaryOperator<State> change) {
        try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = lock.lock()) {
            loadedModified = null;
            refresh();
            State next = change.apply(state).pruned(now);
            SecureFiles.writeSecret(file, JSON.writeValueAsBytes(next));
            state = next;
            loadedModified = Files.getLastModifiedTime(file);
            return next;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the kiosk registry " + file, e);
        }
    }

    /** Notes that {@code kiosk} connected or renewed at {@code at}. Never blocks. */
    public void seen(KioskId kiosk, Instant at) {
        lastSeen.put(kiosk, at);
    }

    /** When {@code kiosk} was last seen by this broker process. */
    public Optional<Instant> lastSeen(KioskId kiosk) {
        return Optional.ofNullable(lastSeen.get(kiosk));
    }
}
