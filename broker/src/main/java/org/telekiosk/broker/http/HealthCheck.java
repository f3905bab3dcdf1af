package org.telekiosk.broker.http;

/** What {@code GET /healthz} reports; implemented by the composition root from the running parts. */
@FunctionalInterface
public interface HealthCheck {
    /** The report as a JSON object; {@code healthy} decides between 200 and 503. Must not block. */
    Report report();

    /**
     * What {@code GET /readyz} reports, for load balancers: ready (200) when the broker takes measurements in (its
     * MQTT subscription is active) and can store them (the store took a write at its last probe), else 503. Must not
     * block. By default the same as {@link #report()}.
     */
    default Report readiness() {
        return report();
    }

    /** A health report. */
    record Report(boolean healthy, String json) {}
}
