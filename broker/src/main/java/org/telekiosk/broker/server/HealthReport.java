package org.telekiosk.broker.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import org.telekiosk.broker.http.HealthCheck;
import org.telekiosk.broker.mqtt.KioskMqttBroker;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.WriteProbe;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.broker.telemetry.MeasurementIntake;
import org.telekiosk.broker.viewer.ViewerHub;

/**
 * {@code /healthz} (docs/api.md, field by field): ready when the measurement subscription is active; counters for a
 * technician; {@code /readyz}: ready when subscribed, the store writable and the node not {@code draining}. The
 * answer is a {@link Health} record, encoded by Jackson.
 */
record HealthReport(java.util.function.BooleanSupplier draining, KioskMqttBroker mqtt,
        java.util.function.BooleanSupplier subscribed, MeasurementIntake intake, ViewerHub hub,
        MeasurementStore store, KioskStatusBoard statuses, WriteProbe storeProbe) implements HealthCheck {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** The document; component order is the field order on the wire. */
    record Health(String status, Mqtt mqtt, Measurements measurements, Store store, Kiosks kiosks, Viewers viewers) {}

    /** @param overQuota publishes refused over a kiosk's quota (PUBACK 0x97), all kiosks */
    record Mqtt(boolean subscribed, long refusedConnections, long droppedMessages, long overQuota) {}

    /** @param rejected per refusal code, every code present */
    record Measurements(long accepted, Map<String, Long> rejected) {}

    record Store(long stored, long duplicates, long lost, long refused, long conflicts) {}

    record Kiosks(int reporting, long queued, long dropped, long outboxFaults) {}

    record Viewers(int connected, long delivered, long skipped) {}

    /**
     * {@code /readyz}: whether the broker takes readings in and can store them, and if not, why; {@code "draining"}
     * once the node drains (issue 17), whatever the rest says.
     */
    record Readiness(String status, boolean subscribed, boolean storeWritable, String storeProblem) {}

    @Override
    public Report readiness() {
        boolean subscribed = this.subscribed.getAsBoolean();
        boolean writable = storeProbe.writable();
        boolean leaving = draining.getAsBoolean();
        boolean ready = subscribed && writable && !leaving;
        Readiness readiness = new Readiness(leaving ? "draining" : ready ? "ready" : "not-ready", subscribed, writable,
                storeProbe.problem());
        try {
            return new Report(ready, JSON.writeValueAsString(readiness));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a readiness report of booleans and strings always encodes", e);
        }
    }

    /** The current counters. */
    Health health() {
        boolean up = subscribed.getAsBoolean();
        var counters = store.counters();
        return new Health(up ? "ok" : "starting",
                new Mqtt(up, mqtt.refusedConnections(), mqtt.droppedMessages(), mqtt.overQuotaTotal()),
                new Measurements(intake.acceptedCount(), intake.rejectedCounts()),
                new Store(counters.stored(), counters.duplicates(), counters.lost(), counters.refused(),
                        counters.conflicts()),
                new Kiosks(statuses.kiosks(), statuses.queued(), statuses.dropped(), statuses.outboxFaults()),
                new Viewers(hub.viewerCount(), hub.deliveredCount(), hub.skippedCount()));
    }

    @Override
    public Report report() {
        Health health = health();
        try {
            return new Report(health.mqtt().subscribed(), JSON.writeValueAsString(health));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a health report of numbers and strings always encodes", e);
        }
    }
}
