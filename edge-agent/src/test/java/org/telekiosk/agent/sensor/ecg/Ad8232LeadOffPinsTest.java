package org.telekiosk.agent.sensor.ecg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.pi4j.exception.Pi4JException;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

class Ad8232LeadOffPinsTest {

    private final DigitalInput positive = mock(DigitalInput.class);
    private final DigitalInput negative = mock(DigitalInput.class);
    private final Ad8232LeadOffPins pins = new Ad8232LeadOffPins(positive, negative);

    @ParameterizedTest(name = "LO+ {0}, LO- {1}: {2}")
    @CsvSource({"LOW, LOW, both electrodes attached", "HIGH, LOW, +IN", "LOW, HIGH, -IN", "HIGH, HIGH, +IN and -IN"})
    void aHighOutputMeansItsElectrodeIsOff(DigitalState plus, DigitalState minus, String described)
            throws SensorException {
        when(positive.state()).thenReturn(plus);
        when(negative.state()).thenReturn(minus);
        assertEquals(described, pins.status().describe());
    }

    @Test
    void aPinInAnUnknownStateIsABusErrorNotAnAttachedLead() {
        when(positive.state()).thenReturn(DigitalState.LOW);
        when(negative.state()).thenReturn(DigitalState.UNKNOWN);
        when(negative.bcm()).thenReturn(27);
        SensorException e = assertThrows(SensorException.class, pins::status);
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertEquals("the AD8232's LO- on GPIO 27 reads neither high nor low", e.getMessage());
    }

    @Test
    void aGpioFailureIsABusError() {
        when(positive.state()).thenThrow(new Pi4JException("GPIO chip gone"));
        when(positive.bcm()).thenReturn(17);
        SensorException e = assertThrows(SensorException.class, pins::status);
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertEquals("cannot read the AD8232's LO+ on GPIO 17: GPIO chip gone", e.getMessage());
    }
}
