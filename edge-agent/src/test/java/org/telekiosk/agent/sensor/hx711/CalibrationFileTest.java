package org.telekiosk.agent.sensor.hx711;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalibrationFileTest {

    @TempDir
    Path directory;

    @Test
    void aWrittenCalibrationReadsBackExactly() throws IOException {
        Path file = directory.resolve("scale.calibration");
        Hx711Calibration calibration = new Hx711Calibration(Gain.A_64, -107374.25, 10737.418240000001);
        CalibrationFile.write(file, calibration);
        assertEquals(calibration, CalibrationFile.read(file));
        assertEquals(1, Files.list(directory).count(), "no temporary file is left behind");
    }

    @Test
    void theDocumentedExampleIsValid() throws IOException {
        Path file = directory.resolve("scale.calibration");
        Files.writeString(file, """
                # Telekiosk HX711 scale calibration
                format=1
                gain=A_128            # A_128 or A_64 (channel A)
                offset=107374.2       # raw value of the empty scale, counts
                counts-per-kg=10737.4 # scale factor, counts per kilogram
                """);
        assertEquals(new Hx711Calibration(Gain.A_128, 107374.2, 10737.4), CalibrationFile.read(file));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
        format=1;gain=A_128;offset=0;counts-per-kg=1;offset=2 | line 5: key 'offset' given twice
        format=1;gain=A_128;offset=0                          | key 'counts-per-kg' is missing
        format=2;gain=A_128;offset=0;counts-per-kg=1          | format must be 1, was '2'
        format=1;gain=B_32;offset=0;counts-per-kg=1           | a scale is calibrated on channel A
        format=1;gain=A_128;offset=0;counts-per-kg=0          | counts per kg must be finite and not 0
        format=1;gain=A_128;offset=0,5;counts-per-kg=1        | offset must be a decimal number, was '0,5'
        format=1;gain=A_128;offset=0;counts-per-kg=1;tare=3   | line 5: unknown key 'tare'
        format=1;gain=A_128;offset 0;counts-per-kg=1          | line 3 is not key=value
        """)
    void anInvalidFileIsRefusedNamingTheProblem(String lines, String problem) throws IOException {
        Path file = directory.resolve("bad.calibration");
        Files.writeString(file, lines.replace(';', '\n'));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CalibrationFile.read(file));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains("bad.calibration"), e.getMessage());
    }
}
