package org.telekiosk.broker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.telekiosk.broker.command.CommandRecord;
import org.telekiosk.broker.command.CommandService;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * The doctor's measurement commands of {@code docs/api.md}: {@code POST /api/v1/consultations/{id}/commands}
 * (issue one to the kiosk in the call; 202, since the kiosk has yet to run it) and {@code GET} on the same path
 * (the consultation's commands with their states and results). Who may is {@link CommandService}'s decision.
 */
final class CommandEndpoints {
    /** How far from the command's own times a result reading may have been taken (the kiosk's clock). */
    private static final Duration READING_WINDOW = Duration.ofMinutes(15);

    private final Authenticator auth;
    private final CommandService commands;
    private final Optional<MeasurementStore> store;

    CommandEndpoints(Authenticator auth, CommandService commands, Optional<MeasurementStore> store) {
        this.auth = auth;
        this.commands = commands;
        this.store = store;
    }

    /** {@code POST}: {@code {"kind": "blood-pressure"|"weight"|"temperature"|"ecg", "durationSeconds"?, "expiresInSeconds"?}}. */
    record IssueCommand(String kind, Integer durationSeconds, Integer expiresInSeconds) {}

    /** One result reading of a command. */
    record ResultView(long seq, String loinc, double value, String unit, String takenAt) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record CommandView(String id, String kind, int durationSeconds, String kiosk, String state, String reason,
            String issuedAt, String expiresAt, String updatedAt, List<Long> resultSeqs, List<ResultView> results) {}

    record CommandList(List<CommandView> commands) {}

    ApiResponse issue(ApiRequest r, String id) {
        ConsultationId consultation = Requests.consultationId(id);
        Caller caller = new Caller.Staff(auth.authenticate(r, true).account());
        IssueCommand body = ApiJson.read(Requests.requireJson(r), IssueCommand.class);
        CommandKind kind = kind(Requests.required("kind", body.kind()));
        int seconds = body.durationSeconds() == null ? (kind == CommandKind.ECG ? 30 : 0) : body.durationSeconds();
        Optional<Duration> lifetime = Optional.ofNullable(body.expiresInSeconds()).map(Duration::ofSeconds);
        CommandRecord issued = Requests.done(commands.issue(caller, consultation, kind, seconds, lifetime));
        return Requests.json(202, view(issued, Map.of()));
    }

    ApiResponse list(ApiRequest r, String id) {
        ConsultationId consultation = Requests.consultationId(id);
        Caller caller = new Caller.Staff(auth.authenticate(r, false).account());
        List<CommandRecord> all = Requests.done(commands.list(caller, consultation));
        return Requests.json(200, new CommandList(all.stream().map(c -> view(c, results(c))).toList()));
    }

    /** The stored measurements among the command's result readings (ECG waveforms are not listed), by seq. */
    private Map<Long, Measurement> results(CommandRecord c) {
        if (c.resultSeqs().isEmpty() || store.isEmpty()) {
            return Map.of();
        }
        Instant from = c.issuedAt().minus(READING_WINDOW);
        Instant to = c.updatedAt().plus(READING_WINDOW);
        return store.get().measurements(c.kiosk(), from, to).join().stream()
                .filter(m -> c.resultSeqs().contains(m.seq()))
                .collect(Collectors.toMap(Measurement::seq, Function.identity(), (a, b) -> a));
    }

    private static CommandView view(CommandRecord c, Map<Long, Measurement> results) {
        return new CommandView(c.id().toString(), c.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                c.seconds(), c.kiosk().value(), c.status().name().toLowerCase(Locale.ROOT), c.reason(),
                c.issuedAt().toString(), c.expiresAt().toString(), c.updatedAt().toString(), c.resultSeqs(),
                c.resultSeqs().stream().map(results::get).filter(java.util.Objects::nonNull)
                        .map(m -> new ResultView(m.seq(), m.loinc().value(), m.value(), m.unit().value(),
                                m.takenAt().toString())).toList());
    }

    private static CommandKind kind(String text) {
        for (CommandKind kind : CommandKind.values()) {
            if (kind.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(text)) {
                return kind;
            }
        }
        throw new ApiJson.BadRequest("field 'kind' must be one of blood-pressure, weight, temperature, ecg");
    }

}
