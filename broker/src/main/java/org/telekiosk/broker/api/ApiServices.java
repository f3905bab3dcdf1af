package org.telekiosk.broker.api;

import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.AccountService;
import org.telekiosk.broker.account.LoginService;
import org.telekiosk.broker.command.CommandService;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.KioskAdministration;
import org.telekiosk.broker.fhir.ConsultationFhirExport;
import org.telekiosk.broker.kioskpage.KioskPageTokens;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.update.AgentUpdates;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * The services this API calls (all blocking).
 *
 * @param kiosks the technician's kiosk operations; empty: the {@code /kiosks} endpoints answer 404 (an API
 *               without kiosk PKI, as in the tests of the account and consultation endpoints)
 * @param fhir   the FHIR export of consultations; empty: {@code /consultations/{id}/fhir} answers 404
 * @param kioskPages kiosk page tokens; empty: {@code /kiosk-session} answers 404
 * @param commands the measurement commands; empty: {@code /consultations/{id}/commands} answers 404
 * @param readings where command results are looked up; empty: results are listed by sequence number only
 * @param records  the consultations' records; empty: {@code /consultations/{id}/record} answers 404
 * @param audit    the audit log for admins; empty: {@code /audit} answers 404
 * @param agentUpdates the agent updates kiosks fetch; empty: {@code /agent-update…} answer 404 and enrollment
 *                 answers carry no {@code updateKey}
 * @param enrollment the kiosks' enrollment and renewal; empty: {@code /enroll}, {@code /renew} and
 *                 {@code /kiosk-page-tokens} answer 404
 */
public record ApiServices(AccountService accounts, LoginService logins, ConsultationService consultations,
        JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir,
        Optional<KioskPageTokens> kioskPages, Optional<CommandService> commands,
        Optional<MeasurementStore> readings, Optional<org.telekiosk.broker.record.RecordExport> records,
        Optional<org.telekiosk.broker.audit.AuditLog> audit, Optional<EnrollmentService> enrollment,
        Optional<AgentUpdates> agentUpdates) {
    /** Without agent updates: no {@code updateKey} in enrollment answers. */
    public ApiServices(AccountService accounts, LoginService logins, ConsultationService consultations,
            JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir,
            Optional<KioskPageTokens> kioskPages, Optional<CommandService> commands,
            Optional<MeasurementStore> readings, Optional<org.telekiosk.broker.record.RecordExport> records,
            Optional<org.telekiosk.broker.audit.AuditLog> audit, Optional<EnrollmentService> enrollment) {
        this(accounts, logins, consultations, codes, kiosks, fhir, kioskPages, commands, readings, records,
                audit, enrollment, Optional.empty());
    }

    /** Without kiosk enrollment. */
    public ApiServices(AccountService accounts, LoginService logins, ConsultationService consultations,
            JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir,
            Optional<KioskPageTokens> kioskPages, Optional<CommandService> commands,
            Optional<MeasurementStore> readings, Optional<org.telekiosk.broker.record.RecordExport> records,
            Optional<org.telekiosk.broker.audit.AuditLog> audit) {
        this(accounts, logins, consultations, codes, kiosks, fhir, kioskPages, commands, readings, records,
                audit, Optional.empty());
    }

    /** Without records and the audit log. */
    public ApiServices(AccountService accounts, LoginService logins, ConsultationService consultations,
            JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir,
            Optional<KioskPageTokens> kioskPages, Optional<CommandService> commands,
            Optional<MeasurementStore> readings) {
        this(accounts, logins, consultations, codes, kiosks, fhir, kioskPages, commands, readings,
                Optional.empty(), Optional.empty());
    }

    public ApiServices {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(kioskPages, "kioskPages");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(consultations, "consultations");
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(kiosks, "kiosks");
        Objects.requireNonNull(fhir, "fhir");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(readings, "readings");
        Objects.requireNonNull(enrollment, "enrollment");
        Objects.requireNonNull(agentUpdates, "agentUpdates");
    }

    /** The agent packages' signing key, added to the enrollment answers of kiosks that ask for it. */
    public Optional<UpdateKey> updateKey() {
        return agentUpdates.flatMap(AgentUpdates::key);
    }

    /** Without kiosk page sessions and measurement commands. */
    public ApiServices(AccountService accounts, LoginService logins, ConsultationService consultations,
            JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir) {
        this(accounts, logins, consultations, codes, kiosks, fhir, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** Without kiosk administration, FHIR export, kiosk page sessions and measurement commands. */
    public ApiServices(AccountService accounts, LoginService logins, ConsultationService consultations,
            JoinCodes codes) {
        this(accounts, logins, consultations, codes, Optional.empty(), Optional.empty());
    }
}
