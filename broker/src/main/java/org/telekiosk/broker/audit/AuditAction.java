package org.telekiosk.broker.audit;

/** What happened, as recorded in the audit log (DESIGN.md, "Security model": who joined, admitted, ... what). */
public enum AuditAction {
    FIRST_ADMIN_CREATED,
    ACCOUNT_CREATED,
    LOGIN,
    LOGIN_FAILED,
    LOGIN_THROTTLED,
    LOGOUT,
    CONSULTATION_CREATED,
    CONSULTATION_ENDED,
    CODE_ISSUED,
    CODE_REDEEMED,
    CODE_REFUSED,
    CODE_THROTTLED,
    CALLED_IN,
    ADMITTED,
    LEFT,
    DISCONNECTED,
    RESUMED,
    SEAT_RELEASED,
    ENROLLMENT_TOKEN_CREATED,
    KIOSK_ENROLLED,
    ENROLLMENT_REFUSED,
    CERTIFICATE_RENEWED,
    RENEWAL_REFUSED,
    KIOSK_REVOKED,
    KIOSK_PAGE_TOKEN_ISSUED,
    KIOSK_PAGE_TOKEN_REFUSED,
    KIOSK_PAGE_SESSION_STARTED,
    KIOSK_PAGE_SESSION_REFUSED,
    MQTT_CONNECT_REFUSED,
    MQTT_ACCESS_REFUSED,
    /** A kiosk published over its quota ({@code mqtt.kiosk-rate-per-second}); at most one entry a minute per kiosk. */
    KIOSK_OVER_QUOTA,
    /** A consultation's readings were exported (FHIR). */
    EXPORTED,
    /** A doctor ordered a measurement at a kiosk. */
    COMMAND_ISSUED,
    /** The broker refused a kiosk's reading (kept aside; the kiosk is told in its store-ack). */
    READING_REFUSED,
    /** A kiosk's reading came under a number already stored with other content; kept aside. */
    READING_CONFLICT,
    /** A doctor or a kiosk's own page opened the vitals socket of a consultation or kiosk (health data viewed). */
    VITALS_VIEWED,
    /** A consultation's record (KBV Anlage 31b) was read or exported. */
    RECORD_EXPORTED,
    /** A kiosk refused an offered agent package, failed to install it or rolled it back; or its certificate was refused on the update endpoints. */
    AGENT_UPDATE_REFUSED,
    /** A kiosk runs a newer agent after an update. */
    AGENT_UPDATED
}
