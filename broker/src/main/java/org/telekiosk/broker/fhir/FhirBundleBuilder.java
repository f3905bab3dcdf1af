package org.telekiosk.broker.fhir;

import static org.telekiosk.broker.fhir.VitalSignCodes.BP_PANEL;
import static org.telekiosk.broker.fhir.VitalSignCodes.CATEGORY;
import static org.telekiosk.broker.fhir.VitalSignCodes.DIASTOLIC;
import static org.telekiosk.broker.fhir.VitalSignCodes.LOINC;
import static org.telekiosk.broker.fhir.VitalSignCodes.MDC;
import static org.telekiosk.broker.fhir.VitalSignCodes.MEAN;
import static org.telekiosk.broker.fhir.VitalSignCodes.OXYGEN_SATURATION;
import static org.telekiosk.broker.fhir.VitalSignCodes.PROFILE_BASE;
import static org.telekiosk.broker.fhir.VitalSignCodes.SYSTOLIC;
import static org.telekiosk.broker.fhir.VitalSignCodes.UCUM;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SampledData;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Builds a FHIR R4 Bundle of type {@code collection} from a consultation's linked readings ({@code docs/fhir.md}):
 * one Observation per spot reading (vital-signs category and profile, LOINC code, UCUM quantity,
 * {@code effectiveDateTime}), blood pressure as the panel 85354-9 with systolic and diastolic components, each run of
 * contiguous waveform batches as one Observation with {@code SampledData}; every Observation refers to the kiosk as a
 * {@code Device} and to a {@code Patient} placeholder for the call period it was taken in, which carries only an
 * identifier (no name, no other personal data: the broker does not know who the patient is). Pure: no I/O.
 */
public final class FhirBundleBuilder {
    /** Identifier system of kiosks: the value is the kiosk id ({@code wmk-lab-03}). */
    public static final String KIOSK_SYSTEM = "urn:telekiosk:kiosk";
    /** Identifier system of readings: {@code <kiosk>/<seq>}, the reading's identity in the store. */
    public static final String READING_SYSTEM = "urn:telekiosk:reading";
    /** Identifier system for identifiers that are URIs, here {@code urn:uuid:<id>} (FHIR R4 §2.24.0.2). */
    public static final String URI_SYSTEM = "urn:ietf:rfc:3986";

    /** The bundle of {@code readings} of {@code consultation}, stamped with {@code exportedAt}. */
    public Bundle build(Consultation consultation, List<LinkedReadings> readings, Instant exportedAt) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setIdentifier(new Identifier().setSystem(URI_SYSTEM).setValue("urn:uuid:" + consultation.id()));
        bundle.setTimestamp(Date.from(exportedAt));
        Map<KioskId, String> devices = new LinkedHashMap<>();
        for (LinkedReadings period : readings) {
            KioskId kiosk = period.call().kiosk().orElseThrow();
            String device = devices.computeIfAbsent(kiosk, k -> add(bundle, "kiosk:" + k.value(), device(k)));
            String patient = add(bundle, "participant:" + period.call().participant(),
                    patient(period.call().participant().toString()));
            for (Observation observation : spots(period.measurements())) {
                add(bundle, observation.getIdentifierFirstRep().getValue(),
                        observation.setSubject(new Reference(patient)).setDevice(new Reference(device)));
            }
            for (Observation observation : waveforms(period.waveforms())) {
                add(bundle, observation.getIdentifierFirstRep().getValue(),
                        observation.setSubject(new Reference(patient)).setDevice(new Reference(device)));
            }
        }
        return bundle;
    }

    private static String add(Bundle bundle, String name, Resource resource) {
        String fullUrl = "urn:uuid:" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
        return fullUrl;
    }

    private static Device device(KioskId kiosk) {
        Device device = new Device();
        device.addIdentifier().setSystem(KIOSK_SYSTEM).setValue(kiosk.value());
        device.addDeviceName().setName(kiosk.value()).setType(Device.DeviceNameType.USERFRIENDLYNAME);
        device.setType(new CodeableConcept().setText("Telekiosk measurement kiosk"));
        return device;
    }

    private static Patient patient(String participant) {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(URI_SYSTEM).setValue("urn:uuid:" + participant);
        return patient;
    }

    // --- spot readings -------------------------------------------------------------------------------------------

    private static List<Observation> spots(List<Measurement> measurements) {
        List<Observation> observations = new ArrayList<>();
        // Blood pressure arrives as separate readings of one measurement (same sensor, same time): one panel each.
        Map<String, Map<String, Measurement>> pressures = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            String code = m.loinc().value();
            if (Set.of(SYSTOLIC, DIASTOLIC, MEAN).contains(code)) {
                pressures.computeIfAbsent(m.sensor().value() + "@" + m.takenAt(), k -> new LinkedHashMap<>())
                        .putIfAbsent(code, m);
            } else {
                observations.add(single(m));
            }
        }
        for (Map<String, Measurement> parts : pressures.values()) {
            if (parts.containsKey(SYSTOLIC) && parts.containsKey(DIASTOLIC)) {
                observations.add(panel(parts));
            } else {
                parts.values().forEach(m -> observations.add(single(m)));
            }
        }
        observations.sort((a, b) -> a.getEffectiveDateTimeType().getValue()
                .compareTo(b.getEffectiveDateTimeType().getValue()));
        return observations;
    }

    private static Observation single(Measurement m) {
        String code = m.loinc().value();
        var spot = VitalSignCodes.spot(code);
        Observation o = base(m.kiosk(), m.seq(), m.takenAt());
        CodeableConcept concept = new CodeableConcept();
        if (code.equals(LoincCode.OXYGEN_SATURATION.value())) {
            // The oxygensat profile requires 2708-6; 59408-5 (pulse oximetry) says how it was measured.
            concept.addCoding(loinc(OXYGEN_SATURATION));
        }
        concept.addCoding(loinc(code));
        concept.setText(spot.map(VitalSignCodes.Spot::display).orElse("LOINC " + code));
        o.setCode(concept);
        spot.ifPresent(s -> {
            o.addCategory(vitalSigns());
            s.profile().ifPresent(p -> o.getMeta().addProfile(PROFILE_BASE + p));
        });
        o.setValue(quantity(m.value(), m.unit().value()));
        return o;
    }

    private static Observation panel(Map<String, Measurement> parts) {
        Measurement systolic = parts.get(SYSTOLIC);
        Observation o = base(systolic.kiosk(), systolic.seq(), systolic.takenAt());
        o.getMeta().addProfile(PROFILE_BASE + "bp");
        o.addCategory(vitalSigns());
        o.setCode(new CodeableConcept(loinc(BP_PANEL)).setText("Blood pressure"));
        for (String code : List.of(SYSTOLIC, DIASTOLIC, MEAN)) {
            Measurement m = parts.get(code);
            if (m != null) {
                o.addComponent().setCode(new CodeableConcept(loinc(code)))
                        .setValue(quantity(m.value(), m.unit().value()));
            }
        }
        return o;
    }

    private static Coding loinc(String code) {
        return new Coding(LOINC, code, VitalSignCodes.spot(code).map(VitalSignCodes.Spot::display).orElse(null));
    }

    private static CodeableConcept vitalSigns() {
        return new CodeableConcept(new Coding(CATEGORY, "vital-signs", "Vital Signs")).setText("Vital Signs");
    }

    private static Quantity quantity(double value, String ucum) {
        return new Quantity().setValue(BigDecimal.valueOf(value)).setUnit(VitalSignCodes.unitLabel(ucum))
                .setSystem(UCUM).setCode(ucum);
    }

    private static Observation base(KioskId kiosk, long seq, Instant at) {
        Observation o = new Observation();
        o.addIdentifier().setSystem(READING_SYSTEM).setValue(kiosk.value() + "/" + seq);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setEffective(dateTime(at));
        return o;
    }

    private static DateTimeType dateTime(Instant at) {
        return new DateTimeType(Date.from(at), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone("UTC"));
    }

    // --- waveforms -----------------------------------------------------------------------------------------------

    /** One Observation per run of contiguous batches of one signal (same sensor, unit, rate and scale, no gap). */
    private static List<Observation> waveforms(List<WaveformBatch> batches) {
        List<Observation> observations = new ArrayList<>();
        Map<String, List<WaveformBatch>> runs = new LinkedHashMap<>();
        Map<String, List<List<WaveformBatch>>> done = new LinkedHashMap<>();
        for (WaveformBatch b : batches) {
            String key = b.sensor().value() + "/" + b.signal() + "/" + b.unit().value() + "/" + b.sampleRate()
                    + "/" + b.scale();
            List<WaveformBatch> run = runs.get(key);
            if (run != null && !continues(run.getLast(), b)) {
                done.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
                run = null;
            }
            if (run == null) {
                run = new ArrayList<>();
                runs.put(key, run);
            }
            run.add(b);
        }
        runs.forEach((key, run) -> done.computeIfAbsent(key, k -> new ArrayList<>()).add(run));
        done.values().forEach(list -> list.forEach(run -> observations.add(sampled(run))));
        observations.sort((a, b) -> a.getEffectiveDateTimeType().getValue()
                .compareTo(b.getEffectiveDateTimeType().getValue()));
        return observations;
    }

    /** Whether {@code next} starts where {@code previous} ends, within half a sample period. */
    private static boolean continues(WaveformBatch previous, WaveformBatch next) {
        long expected = nanos(previous.start()) + previous.duration().toNanos();
        return Math.abs(nanos(next.start()) - expected) <= (long) (0.5e9 / previous.sampleRate());
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Observation sampled(List<WaveformBatch> run) {
        WaveformBatch first = run.getFirst();
        Observation o = base(first.kiosk(), first.seq(), first.start());
        VitalSignCodes.Waveform mdc = VitalSignCodes.waveform(first.signal());
        o.addCategory(new CodeableConcept(new Coding(CATEGORY, "procedure", "Procedure")));
        o.setCode(new CodeableConcept(new Coding(MDC, mdc.code(), mdc.display())).setText(mdc.text()));
        StringBuilder data = new StringBuilder();
        for (WaveformBatch b : run) {
            for (int i = 0; i < b.samples().size(); i++) {
                if (!data.isEmpty()) {
                    data.append(' ');
                }
                data.append(b.samples().getInt(i));
            }
        }
        String unit = first.unit().value();
        SimpleQuantity origin = new SimpleQuantity();
        origin.setValue(BigDecimal.ZERO).setUnit(VitalSignCodes.unitLabel(unit)).setSystem(UCUM).setCode(unit);
        o.setValue(new SampledData().setOrigin(origin)
                .setPeriod(BigDecimal.valueOf(1000.0 / first.sampleRate()))
                .setFactor(BigDecimal.valueOf(first.scale()))
                .setDimensions(1)
                .setData(data.toString()));
        return o;
    }
}
