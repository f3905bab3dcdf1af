package org.telekiosk.agent.sensor;

import java.util.Objects;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.hx711.Gain;
import org.telekiosk.agent.sensor.hx711.Hx711;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;

/**
 * An HX711 scale whose calibration is missing or unreadable: each read converts once (so that an absent chip is
 * still told apart) and then refuses to give a weight, as {@link Kind#DEVICE_ERROR} with the reason. Health shows the
 * scale faulty with that reason until the calibration exists and the agent is restarted.
 */
final class UncalibratedScale implements ScalarSensor {
    private final Hx711 chip;
    private final String reason;

    UncalibratedScale(Hx711 chip, String reason) {
        this.chip = Objects.requireNonNull(chip, "chip");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    @Override
    public SensorId id() {
        return Hx711Scale.DEFAULT_ID;
    }

    @Override
    public LoincCode loinc() {
        return LoincCode.BODY_WEIGHT;
    }

    @Override
    public UcumUnit unit() {
        return UcumUnit.KILOGRAM;
    }

    @Override
    public double read() throws SensorException {
        chip.read(Gain.A_128);
        throw new SensorException(Kind.DEVICE_ERROR, reason);
    }
}
