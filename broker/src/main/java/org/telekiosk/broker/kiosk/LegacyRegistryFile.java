package org.telekiosk.broker.kiosk;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.telekiosk.broker.pki.SecureFiles;

/**
 * The kiosk registry file of earlier versions, {@code <data.dir>/kiosks/registry.json} (0600): read once, when the
 * registry moves into the database ({@link KioskRegistry#open}), then renamed aside so that it is kept (nothing is
 * deleted) but never read again.
 */
final class LegacyRegistryFile {
    static final String NAME = "registry.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("instants")
                    .addDeserializer(Instant.class, new StdScalarDeserializer<Instant>(Instant.class) {
                        @Override
                        public Instant deserialize(JsonParser p, com.fasterxml.jackson.databind.DeserializationContext c)
                                throws IOException {
                            return Instant.parse(p.getValueAsString());
                        }
                    }))
            .build();

    private LegacyRegistryFile() {}

    /** What the file holds: the whole registry of one node, as that version kept it. */
    record Content(java.util.List<KioskRecord> kiosks, java.util.List<TokenRecord> tokens,
            java.util.List<RevokedSerial> revokedSerials, long crlNumber) {
        Content {
            kiosks = java.util.List.copyOf(kiosks);
            tokens = java.util.List.copyOf(tokens);
            revokedSerials = java.util.List.copyOf(revokedSerials);
        }
    }

    /** The file's content; an {@link IOException} naming the file if it is not a registry or readable by others. */
    static Content read(Path file) throws IOException {
        SecureFiles.requireOwnerOnly(file);
        try {
            return JSON.readValue(Files.readAllBytes(file), Content.class);
        } catch (com.fasterxml.jackson.core.JacksonException | java.time.DateTimeException
                | NullPointerException e) {
            throw new IOException(file + " is not a valid kiosk registry (nothing was imported; fix or move the file "
                    + "and start again): " + e.getMessage(), e);
        }
    }

    /** Renames the imported file to {@code registry.json.imported-<epoch second>} beside it; returns the new path. */
    static Path setAside(Path file, Instant now) throws IOException {
        Path aside = file.resolveSibling(NAME + ".imported-" + now.getEpochSecond());
        return Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    }
}
