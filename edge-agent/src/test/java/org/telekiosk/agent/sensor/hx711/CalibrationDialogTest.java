package org.telekiosk.agent.sensor.hx711;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

class CalibrationDialogTest {

    private static final int PD_SCK = 6;
    private static final int DOUT = 5;

    @TempDir
    Path dir;

    private final SimulatedHx711 chip = new SimulatedHx711(PD_SCK, DOUT, SimulatedHx711.Rate.SPS_80,
            LoadCell.platform200Kg(20261122));
    private final Context pi4j = new SimulatedHardware().attachGpio(chip, PD_SCK, DOUT).newContext();
    private final Hx711 driver = Hx711.open(pi4j, PD_SCK, DOUT, chip.timing(),
            new ReadyPolling(java.time.Duration.ofMillis(5), 40));
    private final Hx711Scale scale = new Hx711Scale(driver, new Hx711Calibration(Gain.A_128, 0, 1000),
            Hx711Scale.Settings.DEFAULT);

    /** Answers from a script and keeps everything it was told; puts the weights the technician names on the chip. */
    private class Script implements CalibrationDialog.Technician, CalibrationDialog.Platform {
        final Deque<String> answers;
        final List<String> told = new ArrayList<>();

        Script(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public void tell(String line) {
            told.add(line);
        }

        @Override
        public Optional<String> ask(String prompt) {
            told.add(prompt);
            return Optional.ofNullable(answers.poll());
        }

        @Override
        public void emptied() {
            chip.setLoad(0);
        }

        @Override
        public void loaded(double kg) {
            chip.setLoad(kg);
        }

        boolean saidSomething(String part) {
            return told.stream().anyMatch(line -> line.contains(part));
        }
    }

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    private CalibrationDialog.Result run(Path file, Script script) throws IOException {
        return new CalibrationDialog(scale, file, 200, script, script).run();
    }

    @Test
    void aCompletedDialogSavesACalibrationThatWeighsWithinATenthOfAKilogram() throws Exception {
        Path file = dir.resolve("hx711-calibration.properties");
        Script script = new Script("", "80", "", "y");

        assertEquals(CalibrationDialog.Result.SAVED, run(file, script));

        Hx711Calibration saved = CalibrationFile.read(file);
        Hx711Scale calibrated = new Hx711Scale(driver, saved, Hx711Scale.Settings.DEFAULT);
        chip.setLoad(72.4);
        assertEquals(72.4, calibrated.read(), 0.1);
        assertFalse(script.saidSomething("Warning"), script.told.toString());
    }

    @Test
    void aGermanDecimalCommaAndAUnitAreUnderstoodAndNonsenseIsAskedAgain() throws Exception {
        Path file = dir.resolve("cal.properties");
        Script script = new Script("", "fifty", "-3", "500", "50,5 kg", "", "j");

        assertEquals(CalibrationDialog.Result.SAVED, run(file, script));

        assertTrue(script.saidSomething("'fifty' is not a mass in kg"), script.told.toString());
        assertTrue(script.saidSomething("'500' is not a mass in kg"), script.told.toString());
        assertTrue(script.saidSomething("With 50.50 kg on it"), script.told.toString());
    }

    @Test
    void quittingOrDecliningLeavesTheExistingFileUnchanged() throws Exception {
        Path file = dir.resolve("cal.properties");
        CalibrationFile.write(file, new Hx711Calibration(Gain.A_128, 1234, 5678));
        String before = Files.readString(file);

        assertEquals(CalibrationDialog.Result.NOT_SAVED, run(file, new Script("", "q")));
        assertEquals(CalibrationDialog.Result.NOT_SAVED, run(file, new Script("", "80", "", "n")));
        Script endOfInput = new Script("");
        assertEquals(CalibrationDialog.Result.NOT_SAVED, run(file, endOfInput));

        assertEquals(before, Files.readString(file));
        assertTrue(endOfInput.saidSomething("Nothing was saved"), endOfInput.told.toString());
    }

    @Test
    void aKnownWeightThatDoesNotReachTheCellIsRefusedWithTheReasonAndMayBeRepeated() throws Exception {
        Path file = dir.resolve("cal.properties");
        Script script = new Script("", "80", "80", "", "y") {
            private boolean first = true;

            @Override
            public void loaded(double kg) {
                // The first time the weight is "forgotten": the platform stays empty.
                chip.setLoad(first ? 0 : kg);
                first = false;
            }
        };

        assertEquals(CalibrationDialog.Result.SAVED, run(file, script));

        assertTrue(script.saidSomething("The factor could not be set"), script.told.toString());
        assertTrue(script.saidSomething("is it on the platform"), script.told.toString());
    }

    @Test
    void aPlatformThatDriftsFromZeroAfterwardsIsReportedBeforeSaving() throws Exception {
        Path file = dir.resolve("cal.properties");
        Script script = new Script("", "80", "", "n") {
            private int emptied;

            @Override
            public void emptied() {
                // The second "empty" (the zero check) still has 2 kg on it: someone leans on the platform.
                chip.setLoad(emptied++ == 0 ? 0 : 2);
            }
        };

        assertEquals(CalibrationDialog.Result.NOT_SAVED, run(file, script));

        assertTrue(script.saidSomething("Warning: that is more than 0.1 kg off"), script.told.toString());
        assertFalse(Files.exists(file));
    }

    @Test
    void aScaleThatStopsAnsweringEndsWithAClearMessageAndNothingSaved() throws Exception {
        Path file = dir.resolve("cal.properties");
        Script script = new Script("", "q") {
            @Override
            public void emptied() {
                chip.setStuckNotReady(true);
            }
        };

        assertEquals(CalibrationDialog.Result.NOT_SAVED, run(file, script));

        assertTrue(script.saidSomething("The zero could not be taken"), script.told.toString());
        assertFalse(Files.exists(file));
    }
}
