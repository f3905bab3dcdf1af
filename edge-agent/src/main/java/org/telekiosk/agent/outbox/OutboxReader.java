package org.telekiosk.agent.outbox;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;

/**
 * The sender's side of the outbox file: committed readings read back in sequence order on a connection of their own,
 * so that reading never waits for the writer's transaction (SQLite's WAL lets one writer and readers run together).
 */
final class OutboxReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxReader.class);

    private final Connection connection;
    private final WireCodec codec;
    private final LongConsumer undecodable;

    /** @param undecodable told the number of a row that cannot be decoded (the outbox deletes and counts it) */
    OutboxReader(Connection connection, WireCodec codec, LongConsumer undecodable) {
        this.connection = connection;
        this.codec = codec;
        this.undecodable = undecodable;
    }

    /**
     * Up to {@code limit} committed readings with {@code after < seq <= upTo}, in sequence order. One caller at a
     * time (the sender's thread). A row that cannot be decoded is skipped and handed to {@code undecodable}.
     */
    List<Outbox.Stored> read(long after, long upTo, int limit) throws IOException {
        List<Outbox.Stored> readings = new ArrayList<>(Math.min(limit, 1024));
        synchronized (connection) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT seq, payload FROM reading WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
                select.setLong(1, after);
                select.setLong(2, upTo);
                select.setInt(3, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        try {
                            readings.add(new Outbox.Stored(seq, codec.decode(rs.getBytes(2), KioskMessage.class)));
                        } catch (MalformedMessageException e) {
                            log.error("Outbox row {} cannot be decoded ({}); dropped", seq, e.getMessage());
                            undecodable.accept(seq);
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IOException("cannot read the outbox: " + e.getMessage(), e);
            }
        }
        return readings;
    }

    @Override
    public void close() {
        synchronized (connection) {
            OutboxFile.close(connection);
        }
    }
}
