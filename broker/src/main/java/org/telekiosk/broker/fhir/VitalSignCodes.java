package org.telekiosk.broker.fhir;

import java.util.Map;
import java.util.Optional;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Signal;

/**
 * The codes the export writes: LOINC for spot readings (as the kiosk sent them), the FHIR R4 vital-signs profile
 * each one conforms to (FHIR R4 §8.1, "Vital Signs"), UCUM units with a readable label, and the ISO/IEEE 11073 MDC
 * codes of the waveforms (LOINC has no code for a raw ECG lead or pleth signal; FHIR's own ECG example uses MDC).
 */
final class VitalSignCodes {
    static final String LOINC = "http://loinc.org";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String MDC = "urn:oid:2.16.840.1.113883.6.24";
    static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String PROFILE_BASE = "http://hl7.org/fhir/StructureDefinition/";

    /** The blood pressure panel (85354-9) and the codes of its components. */
    static final String BP_PANEL = "85354-9";
    static final String SYSTOLIC = LoincCode.SYSTOLIC_PRESSURE.value();
    static final String DIASTOLIC = LoincCode.DIASTOLIC_PRESSURE.value();
    static final String MEAN = LoincCode.MEAN_PRESSURE.value();
    /** The vital-signs profile requires this code for oxygen saturation; the kiosk's pulse-oximetry code follows. */
    static final String OXYGEN_SATURATION = "2708-6";

    /** How a LOINC code is exported: its display name and the vital-signs profile it belongs to, if any. */
    record Spot(String display, Optional<String> profile) {}

    private static final Map<String, Spot> SPOTS = Map.of(
            LoincCode.BODY_TEMPERATURE.value(), new Spot("Body temperature", Optional.of("bodytemp")),
            LoincCode.BODY_WEIGHT.value(), new Spot("Body weight", Optional.of("bodyweight")),
            LoincCode.OXYGEN_SATURATION.value(), new Spot("Oxygen saturation in Arterial blood by Pulse oximetry",
                    Optional.of("oxygensat")),
            LoincCode.HEART_RATE.value(), new Spot("Heart rate", Optional.of("heartrate")),
            SYSTOLIC, new Spot("Systolic blood pressure", Optional.of("vitalsigns")),
            DIASTOLIC, new Spot("Diastolic blood pressure", Optional.of("vitalsigns")),
            MEAN, new Spot("Mean blood pressure", Optional.of("vitalsigns")),
            BP_PANEL, new Spot("Blood pressure panel with all children optional", Optional.of("bp")),
            OXYGEN_SATURATION, new Spot("Oxygen saturation in Arterial blood", Optional.of("oxygensat")));

    private static final Map<String, String> UNIT_LABELS = Map.of(
            UcumUnit.CELSIUS.value(), "°C",
            UcumUnit.MM_HG.value(), "mmHg",
            UcumUnit.PER_MINUTE.value(), "beats/minute",
            UcumUnit.ARBITRARY.value(), "arbitrary unit");

    private VitalSignCodes() {}

    /** The display and profile of a LOINC code; an unknown code is exported with neither (a plain Observation). */
    static Optional<Spot> spot(String loinc) {
        return Optional.ofNullable(SPOTS.get(loinc));
    }

    /** A readable label for a UCUM code (the code itself where it reads well). */
    static String unitLabel(String ucum) {
        return UNIT_LABELS.getOrDefault(ucum, ucum);
    }

    /** How a waveform signal is coded: its MDC code, the MDC reference id as display, and a readable text. */
    record Waveform(String code, String display, String text) {}

    static Waveform waveform(Signal signal) {
        return switch (signal) {
            case ECG -> new Waveform("131329", "MDC_ECG_ELEC_POTL_I", "ECG lead I");
            case PLETH -> new Waveform("150452", "MDC_PULS_OXIM_PLETH", "Plethysmogram (pulse oximeter)");
        };
    }
}
