package org.telekiosk.agent.sampling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;

/** A thermometer that answers what the test scripted, one answer per read; the last answer repeats. */
final class FakeSensor implements ScalarSensor {
    private final SensorId id;
    private final Deque<Object> answers = new ArrayDeque<>();
    private Object last = 36.6;
    private int reads;

    FakeSensor(String id) {
        this.id = SensorId.of(id);
    }

    /** Queues answers: a {@code Double} is a value, a {@code SensorException} or {@code RuntimeException} is thrown. */
    synchronized FakeSensor then(Object... next) {
        answers.addAll(List.of(next));
        return this;
    }

    synchronized int reads() {
        return reads;
    }

    @Override
    public SensorId id() {
        return id;
    }

    @Override
    public LoincCode loinc() {
        return LoincCode.BODY_TEMPERATURE;
    }

    @Override
    public UcumUnit unit() {
        return UcumUnit.CELSIUS;
    }

    @Override
    public synchronized double read() throws SensorException {
        reads++;
        if (!answers.isEmpty()) {
            last = answers.poll();
        }
        if (last instanceof SensorException e) {
            throw e;
        }
        if (last instanceof RuntimeException e) {
            throw e;
        }
        return (Double) last;
    }
}
