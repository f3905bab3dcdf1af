package org.telekiosk.broker.consultation;

import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;

/**
 * A patient's new or resumed seat: who they are in the consultation and the resume token that lets them back in
 * after a dropped connection. The token is handed to the patient's page once and never prints itself.
 */
public record Joined(ConsultationId consultation, ParticipantId participant, DisplayName name, Seat.Status status,
        OpaqueToken resumeToken) {}
