package org.telekiosk.broker.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * HAPI FHIR's instance validator, offline: the base R4 profiles and the profiles a resource declares
 * ({@code meta.profile}, e.g. the vital-signs ones), with the terminology HAPI has without a server (UCUM, FHIR's own
 * code systems; LOINC and MDC codes are not known offline and give warnings). Prints every message it gives.
 */
public final class FhirValidation {
    private static final FhirValidator VALIDATOR = validator();

    private FhirValidation() {}

    private static FhirValidator validator() {
        FhirContext fhir = FhirContext.forR4Cached();
        ValidationSupportChain support = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
        return fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(support));
    }

    /** Validates FHIR JSON and returns its errors (and fatal errors), one line each; prints every message. */
    public static List<String> errors(String json) {
        List<String> errors = new ArrayList<>();
        List<SingleValidationMessage> messages = VALIDATOR.validateWithResult(json).getMessages();
        for (SingleValidationMessage m : messages) {
            String line = m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
            System.out.println("[FHIR validation] " + line);
            if (m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
                errors.add(line);
            }
        }
        System.out.println("[FHIR validation] " + messages.size() + " messages, " + errors.size() + " errors; "
                + json.length() + " characters");
        return errors;
    }
}
