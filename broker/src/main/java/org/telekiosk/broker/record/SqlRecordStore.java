package org.telekiosk.broker.record;

import static org.telekiosk.broker.store.SqlAccess.instant;
import static org.telekiosk.broker.store.SqlAccess.nanos;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * The consultation records in the store's database (migration V8: {@code record_event}, {@code record_media}), in
 * insertion order. Rows reference their consultation and are deleted with it (cascade), so the record lives exactly
 * as long as the consultation's other metadata. Blocking: not on an event loop.
 */
public final class SqlRecordStore {
    private final SqlAccess sql;

    public SqlRecordStore(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    public void append(ConsultationId consultation, RecordEvent event) {
        sql.run("append to a consultation record", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO record_event (consultation_id, at, kind,"
                    + " party, participant, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, consultation.toString());
                s.setLong(2, nanos(event.at()));
                s.setString(3, event.kind().wire());
                s.setString(4, event.party().wire());
                s.setString(5, event.participant());
                s.setString(6, event.detail());
                return s.executeUpdate();
            }
        });
    }

    public void append(ConsultationId consultation, MediaEntry entry) {
        SignalRequest.MediaReport r = entry.report();
        sql.run("append a media report to a consultation record", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO record_media (consultation_id, at, party, path,"
                    + " protocol, local_candidate, remote_candidate, local_fingerprint, remote_fingerprint,"
                    + " fingerprints) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, consultation.toString());
                s.setLong(2, nanos(entry.at()));
                s.setString(3, entry.party().wire());
                s.setString(4, r.path());
                s.setString(5, r.protocol());
                s.setString(6, r.localCandidateType());
                s.setString(7, r.remoteCandidateType());
                s.setString(8, r.localFingerprint());
                s.setString(9, r.remoteFingerprint());
                s.setString(10, entry.fingerprints().wire());
                return s.executeUpdate();
            }
        });
    }

    /** The consultation's record, each part oldest first; empty parts for an unknown or purged consultation. */
    public RecordContent read(ConsultationId consultation) {
        return sql.run("read a consultation record", c -> {
            List<RecordEvent> events = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT at, kind, party, participant, detail FROM"
                    + " record_event WHERE consultation_id = ? ORDER BY position")) {
                s.setString(1, consultation.toString());
                try (ResultSet row = s.executeQuery()) {
                    while (row.next()) {
                        events.add(new RecordEvent(instant(row.getLong("at")),
                                RecordEvent.Kind.fromWire(row.getString("kind")),
                                Party.fromWire(row.getString("party")), row.getString("participant"),
                                row.getString("detail")));
                    }
                }
            }
            List<MediaEntry> media = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT at, party, path, protocol, local_candidate,"
                    + " remote_candidate, local_fingerprint, remote_fingerprint, fingerprints FROM record_media"
                    + " WHERE consultation_id = ? ORDER BY position")) {
                s.setString(1, consultation.toString());
                try (ResultSet row = s.executeQuery()) {
                    while (row.next()) {
                        media.add(new MediaEntry(instant(row.getLong("at")), Party.fromWire(row.getString("party")),
                                new SignalRequest.MediaReport(row.getString("path"), row.getString("protocol"),
                                        row.getString("local_candidate"), row.getString("remote_candidate"),
                                        row.getString("local_fingerprint"), row.getString("remote_fingerprint")),
                                MediaEntry.Fingerprints.fromWire(row.getString("fingerprints"))));
                    }
                }
            }
            return new RecordContent(events, media);
        });
    }
}
