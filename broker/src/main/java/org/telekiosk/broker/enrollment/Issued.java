package org.telekiosk.broker.enrollment;

import org.telekiosk.protocol.enrollment.EnrollmentResponse;

/** A certificate was issued; the response goes back to the kiosk. */
public record Issued(EnrollmentResponse response) implements EnrollmentOutcome {}
