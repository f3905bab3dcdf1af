package org.telekiosk.broker.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.testing.Outcomes.done;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.telemetry.MeasurementIntake;
import org.telekiosk.broker.telemetry.StoringForwarder;
import org.telekiosk.broker.testing.FhirValidation;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestHashing;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.Topics;

/**
 * A consultation's export, from readings that went through the broker's real intake path (CBOR on the kiosk's MQTT
 * topic → {@link MeasurementIntake} → {@link StoringForwarder} → the SQLite {@link MeasurementStore}) and a
 * consultation carried through the real services (call-in, admit, end), validated with HAPI FHIR's validator against
 * the base R4 profiles and the vital-signs profiles its Observations declare.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FhirExportValidationTest {
    private static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    @TempDir
    static Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-11-22T08:00:00Z");
    MeasurementStore store;
    AccessServices services;
    MeasurementIntake intake;
    ConsultationFhirExport export;
    Account doctor;
    Account otherDoctor;
    Consultation consultation;
    Instant admittedAt;
    Instant endedAt;
    long seq;

    @BeforeAll
    void aConsultationWithEveryKindOfReading() throws Exception {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        store = MeasurementStore.open(database, Duration.ofMinutes(5), clock);
        services = TestHashing.open(new SqlAccess(database), new AccessConfig(Duration.ofHours(12),
                Duration.ofMinutes(30), Duration.ofHours(24), Duration.ofHours(24), Duration.ofSeconds(60),
                Duration.ofDays(90), Duration.ofDays(90), Duration.ofMinutes(1), 64, 2), dir, new SecureRandom(),
                clock);
        intake = MeasurementIntake.withSink(CBOR, new StoringForwarder(store, message -> { }));
        export = new ConsultationFhirExport(services.consultations(), new ReadingLinker(store), clock);
        Account admin = ((AccountCreation.Created) services.accounts().createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        doctor = ((AccountCreation.Created) services.accounts().createAccount(admin, LoginName.of("dr.weber"),
                DisplayName.of("Dr. Anna Weber"), Role.DOCTOR, Password.of("weber password 1"))).account();
        otherDoctor = ((AccountCreation.Created) services.accounts().createAccount(admin, LoginName.of("dr.schulz"),
                DisplayName.of("Dr. Jonas Schulz"), Role.DOCTOR, Password.of("schulz password 1"))).account();
        consultation = done(services.consultations().create(new Caller.Staff(doctor),
                new ConsultationTarget.Room(KIOSK), Optional.empty()));

        // The previous patient's weight at this kiosk, before anyone is admitted: never linked.
        spot("hx711", LoincCode.BODY_WEIGHT, 91.5, UcumUnit.KILOGRAM, clock.instant());
        clock.advance(Duration.ofMinutes(1));
        Joined joined = done(services.waitingRoom().callIn(new Caller.Kiosk(KIOSK), Optional.empty()));
        clock.advance(Duration.ofSeconds(20));
        done(services.waitingRoom().admit(new Caller.Staff(doctor), consultation.id(), joined.participant()));
        admittedAt = clock.instant();

        Instant t = admittedAt.plusSeconds(5);
        spot("max30102", LoincCode.OXYGEN_SATURATION, 97.5, UcumUnit.PERCENT, t);
        spot("max30102", LoincCode.HEART_RATE, 72.0, UcumUnit.PER_MINUTE, t);
        spot("mlx90614", LoincCode.BODY_TEMPERATURE, 36.8, UcumUnit.CELSIUS, t.plusSeconds(10));
        spot("hx711", LoincCode.BODY_WEIGHT, 68.2, UcumUnit.KILOGRAM, t.plusSeconds(20));
        Instant bp = t.plusSeconds(60);
        spot("bp-monitor", LoincCode.SYSTOLIC_PRESSURE, 128, UcumUnit.MM_HG, bp);
        spot("bp-monitor", LoincCode.DIASTOLIC_PRESSURE, 84, UcumUnit.MM_HG, bp);
        spot("bp-monitor", LoincCode.MEAN_PRESSURE, 99, UcumUnit.MM_HG, bp);
        spot("bp-monitor", LoincCode.HEART_RATE, 70, UcumUnit.PER_MINUTE, bp);
        // Two seconds of ECG at 250 Hz in two contiguous batches (one Observation), one second of pleth at 50 Hz.
        Instant ecg = t.plusSeconds(90);
        wave("ads1115", Signal.ECG, UcumUnit.MILLIVOLT, 250, ecg, 0.001, 250);
        wave("ads1115", Signal.ECG, UcumUnit.MILLIVOLT, 250, ecg.plusSeconds(1), 0.001, 250);
        wave("max30102", Signal.PLETH, UcumUnit.ARBITRARY, 50, ecg, 1.0, 50);

        clock.advance(Duration.ofMinutes(10));
        done(services.consultations().end(new Caller.Staff(doctor), consultation.id()));
        endedAt = clock.instant();
        // The next patient's temperature, after the end: never linked.
        spot("mlx90614", LoincCode.BODY_TEMPERATURE, 37.9, UcumUnit.CELSIUS, endedAt.plusSeconds(30));
        clock.advance(Duration.ofMinutes(5));
    }

    @AfterAll
    void close() {
        store.close();
    }

    @Test
    void theBundleOfEveryKindOfReadingHasNoValidationErrorsAgainstBaseR4AndTheVitalSignsProfiles() {
        Bundle bundle = done(export.bundle(new Caller.Staff(doctor), consultation.id()));
        // Validate what a client receives: the JSON.
        List<String> errors = FhirValidation.errors(ConsultationFhirExport.encode(bundle));
        assertEquals(List.of(), errors);
    }

    @Test
    void onlyTheReadingsTakenWhileThePatientWasInTheCallAreExported() {
        Bundle bundle = done(export.bundle(new Caller.Staff(doctor), consultation.id()));
        List<Observation> observations = resources(bundle, Observation.class);
        // SpO2, oximeter pulse, temperature, weight, BP panel, BP pulse, one ECG run, one pleth run.
        assertEquals(8, observations.size());
        assertTrue(observations.stream().noneMatch(o -> o.hasValueQuantity()
                && (o.getValueQuantity().getValue().doubleValue() == 91.5
                || o.getValueQuantity().getValue().doubleValue() == 37.9)));
        for (Observation o : observations) {
            Instant at = o.getEffectiveDateTimeType().getValue().toInstant();
            assertFalse(at.isBefore(admittedAt) || !at.isBefore(endedAt), "effective " + at);
        }
    }

    @Test
    void bloodPressureIsOnePanelWithSystolicAndDiastolicComponents() {
        Observation panel = resources(done(export.bundle(new Caller.Staff(doctor), consultation.id())),
                Observation.class).stream().filter(o -> o.getCode().getCodingFirstRep().getCode().equals("85354-9"))
                .findFirst().orElseThrow();
        assertEquals(List.of("8480-6", "8462-4", "8478-0"), panel.getComponent().stream()
                .map(c -> c.getCode().getCodingFirstRep().getCode()).toList());
        assertEquals(128.0, panel.getComponentFirstRep().getValueQuantity().getValue().doubleValue());
        assertEquals("mm[Hg]", panel.getComponentFirstRep().getValueQuantity().getCode());
        assertEquals("http://hl7.org/fhir/StructureDefinition/bp", panel.getMeta().getProfile().getFirst()
                .getValue());
    }

    @Test
    void contiguousEcgBatchesBecomeOneSampledDataWithTheirRateAndScale() {
        Observation ecg = resources(done(export.bundle(new Caller.Staff(doctor), consultation.id())),
                Observation.class).stream().filter(o -> o.getCode().getCodingFirstRep().getCode().equals("131329"))
                .findFirst().orElseThrow();
        SampledData data = ecg.getValueSampledData();
        assertEquals(500, data.getData().split(" ").length);
        assertEquals(4.0, data.getPeriod().doubleValue());
        assertEquals(0.001, data.getFactor().doubleValue());
        assertEquals(1, data.getDimensions());
        assertEquals("mV", data.getOrigin().getCode());
    }

    @Test
    void everyObservationNamesTheKioskDeviceAndAPatientPlaceholderWithoutPersonalData() {
        Bundle bundle = done(export.bundle(new Caller.Staff(doctor), consultation.id()));
        Device device = resources(bundle, Device.class).getFirst();
        assertEquals(KIOSK.value(), device.getIdentifierFirstRep().getValue());
        Patient patient = resources(bundle, Patient.class).getFirst();
        assertFalse(patient.hasName() || patient.hasBirthDate() || patient.hasGender() || patient.hasAddress());
        String deviceUrl = bundle.getEntry().stream().filter(e -> e.getResource() instanceof Device).findFirst()
                .orElseThrow().getFullUrl();
        for (Observation o : resources(bundle, Observation.class)) {
            assertEquals(deviceUrl, o.getDevice().getReference());
            assertTrue(o.getSubject().getReference().startsWith("urn:uuid:"));
        }
    }

    @Test
    void anotherDoctorIsRefusedAsIfTheConsultationDidNotExist() {
        assertTrue(export.bundle(new Caller.Staff(otherDoctor), consultation.id())
                instanceof Outcome.Refused<Bundle> refused && refused.refusal() instanceof Refusal.NotFound);
    }

    private void spot(String sensor, LoincCode code, double value, UcumUnit unit, Instant at) {
        publish(new Measurement(KIOSK, ++seq, SensorId.of(sensor), code, value, unit, at));
    }

    private void wave(String sensor, Signal signal, UcumUnit unit, double rate, Instant start, double scale, int n) {
        publish(new WaveformBatch(KIOSK, ++seq, SensorId.of(sensor), signal, unit, rate, start, scale,
                IntStream.range(0, n).map(i -> (int) Math.round(800 * Math.sin(i / 10.0))).boxed().toList()));
    }

    private void publish(Object message) {
        intake.handle(Topics.measurements(KIOSK), CBOR.encode(message)).toCompletableFuture().join();
    }

    private static <T> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).toList();
    }
}
