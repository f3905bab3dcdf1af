package org.telekiosk.agent.sensor.ecg;

import com.pi4j.context.Context;
import com.pi4j.exception.Pi4JException;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

/**
 * The AD8232's LO+ and LO- outputs on two Pi4J {@link DigitalInput}s. The AD8232 drives both outputs push-pull (AD8232
 * datasheet, "Lead-Off Detection"), so no pull resistor is configured; a pin whose state Pi4J cannot tell
 * ({@link DigitalState#UNKNOWN}) is a {@link Kind#BUS_ERROR}, never taken for "attached".
 */
public final class Ad8232LeadOffPins implements LeadOffDetector {

    private final DigitalInput positive;
    private final DigitalInput negative;

    /** @param positive LO+, @param negative LO- */
    public Ad8232LeadOffPins(DigitalInput positive, DigitalInput negative) {
        this.positive = Objects.requireNonNull(positive, "positive");
        this.negative = Objects.requireNonNull(negative, "negative");
    }

    /** Opens LO+ and LO- on BCM pins {@code positiveBcm} and {@code negativeBcm} through {@code pi4j}. */
    public static Ad8232LeadOffPins open(Context pi4j, int positiveBcm, int negativeBcm) {
        return new Ad8232LeadOffPins(input(pi4j, "ad8232-lo-plus", positiveBcm),
                input(pi4j, "ad8232-lo-minus", negativeBcm));
    }

    @Override
    public LeadStatus status() throws SensorException {
        return new LeadStatus(isHigh(positive, "LO+"), isHigh(negative, "LO-"));
    }

    private static boolean isHigh(DigitalInput pin, String name) throws SensorException {
        DigitalState state;
        try {
            state = pin.state();
        } catch (Pi4JException e) {
            throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                    "cannot read the AD8232's %s on GPIO %s: %s", name, pin.bcm(), e.getMessage()), e);
        }
        if (state == null || state == DigitalState.UNKNOWN) {
            throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                    "the AD8232's %s on GPIO %s reads neither high nor low", name, pin.bcm()));
        }
        return state.isHigh();
    }

    private static DigitalInput input(Context pi4j, String id, int bcm) {
        return pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id(id + "-" + bcm)
                .bcm(bcm)
                .pull(PullResistance.OFF)
                .build());
    }
}
