package org.telekiosk.broker.account;

/**
 * What an account may do (DESIGN.md, "The people and what they do"). Patients have no account: they hold a one-time
 * join code instead.
 */
public enum Role {
    /** Creates consultations, issues join codes, admits patients, ends calls. Sees only their own consultations. */
    DOCTOR,
    /** Provisions and watches kiosks; sees no consultation. */
    TECHNICIAN,
    /** Manages accounts; sees no consultation (least privilege: patient data stays with the treating doctor). */
    ADMIN
}
