package org.telekiosk.broker.http;

/** What {@code GET /healthz} reports; implemented by the composition root from the running parts. */
@FunctionalInterface
public interface HealthCheck {
    /** The report as a JSON object; {@code healthy} decides between 200 and 503. Must not block. */
    Report report();

    /** A health report. */
    record Report(boolean healthy, String json) {}
}
