package org.telekiosk.broker.consultation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.telekiosk.broker.consultation.ConsultationTestKit.KIOSK;
import static org.telekiosk.broker.consultation.ConsultationTestKit.caller;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;

/**
 * Every consultation operation × every kind of caller (DESIGN.md, "Security model": tests cover the matrix). Each
 * cell runs against a fresh room consultation of "doctor" with one patient waiting (seated with a join code).
 * {@code ok} = allowed; 401 = {@link Refusal.NotAuthenticated}; 403 = {@link Refusal.Forbidden}; 404 =
 * {@link Refusal.NotFound} (another doctor's consultation looks like none). Redeeming a code takes no caller (the
 * code is the credential) and is covered in {@link JoinCodesTest}; account creation is covered in
 * {@code AccountServiceTest}.
 */
class AuthorizationMatrixTest {
    static final String MATRIX = """
            operation        | anonymous | patient | other-doctor | doctor | technician | admin | kiosk
            create           | 401       | 403     | ok           | ok     | 403        | 403   | 403
            list-mine        | 401       | 403     | ok           | ok     | 403        | 403   | 403
            get              | 401       | ok      | 404          | ok     | 403        | 403   | 403
            issue-code       | 401       | 403     | 404          | ok     | 403        | 403   | 403
            waiting-list     | 401       | 403     | 404          | ok     | 403        | 403   | 403
            admit            | 401       | 403     | 404          | ok     | 403        | 403   | 403
            participants     | 401       | 403     | 404          | ok     | 403        | 403   | 403
            end              | 401       | 403     | 404          | ok     | 403        | 403   | 403
            report-readiness | 401       | ok      | 403          | 403    | 403        | 403   | 403
            leave            | 401       | ok      | 403          | 403    | 403        | 403   | 403
            call-in          | 401       | 403     | 403          | 403    | 403        | 403   | ok
            """;

    /** The consultation under test and its waiting patient. */
    record Fixture(ConsultationTestKit kit, Consultation consultation, Joined patient) {
        static Fixture create() {
            ConsultationTestKit kit = new ConsultationTestKit();
            Consultation consultation = kit.roomConsultation(kit.doctor);
            return new Fixture(kit, consultation, kit.waitingPatient(consultation));
        }

        Caller caller(String kind) {
            return switch (kind) {
                case "anonymous" -> new Caller.Anonymous();
                case "patient" -> ConsultationTestKit.caller(patient);
                case "other-doctor" -> kit.otherDoctor;
                case "doctor" -> kit.doctor;
                case "technician" -> kit.technician;
                case "admin" -> kit.admin;
                case "kiosk" -> new Caller.Kiosk(KIOSK);
                default -> throw new IllegalArgumentException("no caller kind " + kind);
            };
        }
    }

    static final Map<String, BiFunction<Fixture, Caller, Outcome<?>>> OPERATIONS = Map.ofEntries(
            Map.entry("create", (f, c) -> f.kit().consultations.create(c,
                    new ConsultationTarget.Patient(Optional.empty()), Optional.empty())),
            Map.entry("list-mine", (f, c) -> f.kit().consultations.listMine(c)),
            Map.entry("get", (f, c) -> f.kit().consultations.get(c, f.consultation().id())),
            Map.entry("issue-code", (f, c) -> f.kit().codes.issue(c, f.consultation().id())),
            Map.entry("waiting-list", (f, c) -> f.kit().waitingRoom.waitingList(c, f.consultation().id())),
            Map.entry("admit", (f, c) -> f.kit().waitingRoom.admit(c, f.consultation().id(),
                    f.patient().participant())),
            Map.entry("participants", (f, c) -> f.kit().waitingRoom.participants(c, f.consultation().id())),
            Map.entry("end", (f, c) -> f.kit().consultations.end(c, f.consultation().id())),
            Map.entry("report-readiness", (f, c) -> f.kit().waitingRoom.reportReadiness(c,
                    new DeviceReadiness(true, true, OptionalInt.of(40)))),
            Map.entry("leave", (f, c) -> f.kit().waitingRoom.leave(c)),
            Map.entry("call-in", (f, c) -> f.kit().waitingRoom.callIn(c, Optional.empty())));

    static Stream<Arguments> cells() {
        List<String[]> rows = MATRIX.lines().map(line -> Arrays.stream(line.split("\\|")).map(String::strip)
                .toArray(String[]::new)).toList();
        String[] callers = rows.getFirst();
        return rows.stream().skip(1).flatMap(row -> IntStream.range(1, callers.length)
                .mapToObj(i -> Arguments.of(row[0], callers[i], row[i])));
    }

    @ParameterizedTest(name = "{0} by {1}: {2}")
    @MethodSource("cells")
    void eachOperationIsAllowedOrRefusedForEachKindOfCallerAsTheMatrixSays(String operation, String callerKind,
            String expected) {
        Fixture fixture = Fixture.create();
        Outcome<?> outcome = OPERATIONS.get(operation).apply(fixture, fixture.caller(callerKind));
        switch (expected) {
            case "ok" -> assertInstanceOf(Outcome.Done.class, outcome, () -> operation + " by " + callerKind);
            case "401" -> assertEquals(new Refusal.NotAuthenticated(), refusal(outcome));
            case "403" -> assertEquals(new Refusal.Forbidden(), refusal(outcome));
            case "404" -> assertEquals(new Refusal.NotFound(), refusal(outcome));
            default -> throw new IllegalArgumentException("no expectation " + expected);
        }
    }

    @Test
    void theMatrixCoversEveryOperationAndEveryKindOfCaller() {
        assertEquals(OPERATIONS.keySet(), Set.copyOf(MATRIX.lines().skip(1)
                .map(line -> line.split("\\|")[0].strip()).toList()));
        assertEquals(7 * OPERATIONS.size(), cells().count());
    }

    @Test
    void aPatientOfOneConsultationCannotActOnAnother() {
        Fixture fixture = Fixture.create();
        Consultation second = fixture.kit().patientConsultation(fixture.kit().doctor);
        Caller.Patient patient = caller(fixture.patient());
        assertEquals(new Refusal.Forbidden(), refusal(fixture.kit().consultations.get(patient, second.id())));
        assertEquals(new Refusal.Forbidden(), refusal(fixture.kit().waitingRoom.participants(patient, second.id())));
        Caller.Patient forged = new Caller.Patient(second.id(), fixture.patient().participant());
        assertEquals(new Refusal.SeatReleased(), refusal(fixture.kit().waitingRoom.leave(forged)),
                "a seat is valid only in its own consultation");
    }
}
