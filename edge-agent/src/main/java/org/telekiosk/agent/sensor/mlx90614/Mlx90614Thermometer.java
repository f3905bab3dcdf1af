package org.telekiosk.agent.sensor.mlx90614;

import java.util.Objects;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;

/**
 * Body temperature (LOINC 8310-5, in {@code Cel}) from an MLX90614 aimed at the patient: the chip's object
 * temperature T<sub>OBJ1</sub> (datasheet §8.3.4). Values are in hundredths of a degree Celsius; the chip resolves
 * 0.02 K (datasheet, "Features and Benefits"). Whether a value is plausible for a human body is for the sampler and
 * the doctor to judge; this sensor refuses only what the chip cannot have measured.
 */
public final class Mlx90614Thermometer implements ScalarSensor {

    /** The sensor id used when a kiosk has one MLX90614. */
    public static final SensorId DEFAULT_ID = SensorId.of("mlx90614");

    private final SensorId id;
    private final Mlx90614 chip;

    public Mlx90614Thermometer(Mlx90614 chip) {
        this(DEFAULT_ID, chip);
    }

    public Mlx90614Thermometer(SensorId id, Mlx90614 chip) {
        this.id = Objects.requireNonNull(id, "id");
        this.chip = Objects.requireNonNull(chip, "chip");
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

    /** The object temperature in °C, exact to 0.01 °C; see {@link Mlx90614#readObjectTemperature()}. */
    @Override
    public double read() throws SensorException {
        return chip.readObjectTemperature();
    }
}
