package org.telekiosk.broker.consultation;

import java.time.Instant;
import org.telekiosk.broker.request.ConsultationId;

/** A freshly issued join code, to be shown once to the doctor, who passes it to the patient. */
public record IssuedCode(ConsultationId consultation, JoinCode code, Instant expiresAt) {}
