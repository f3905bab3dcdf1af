package org.telekiosk.broker.enrollment;

/** What {@link EnrollmentService} answers to an enrollment or renewal. */
public sealed interface EnrollmentOutcome permits Issued, Refused {}
