package org.telekiosk.agent;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.config.ConfigException;
import org.telekiosk.agent.config.ScaleSettings;
import org.telekiosk.agent.sensor.hx711.CalibrationDialog;
import org.telekiosk.agent.sensor.hx711.CalibrationFile;
import org.telekiosk.agent.sensor.hx711.Gain;
import org.telekiosk.agent.sensor.hx711.Hx711;
import org.telekiosk.agent.sensor.hx711.Hx711Calibration;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.hx711.LoadCell;
import org.telekiosk.agent.sensor.hx711.PinTiming;
import org.telekiosk.agent.sensor.hx711.ReadyPolling;
import org.telekiosk.agent.sensor.hx711.SimulatedHx711;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calibrate-scale}: the technician's calibration of the HX711 scale named in the agent's configuration, written
 * to its {@code sensor.hx711.calibration-file}. The agent must not run at the same time (it holds the scale's pins);
 * restart it afterwards.
 */
@Command(name = "calibrate-scale", mixinStandardHelpOptions = true,
        description = "Calibrate the scale: tare, a known weight, a check, then save (stop the agent first).")
final class CalibrateScale implements Callable<Integer> {

    /**
     * The factor a scale starts from when it has no calibration yet: only the tare's and the known weight's
     * steadiness checks use it (samples may differ by 0.5 kg at this factor, 500 counts), and a typical 200 kg
     * platform at gain 128 gives about ten times as many counts per kg.
     */
    static final double PROVISIONAL_COUNTS_PER_KG = 1000;

    @Option(names = "--config", required = true, description = "the agent's properties file")
    Path config;

    @Option(names = "--simulate", description = "calibrate a simulated 200 kg platform, which puts on the weights you"
            + " name (to try the procedure without hardware)")
    boolean simulate;

    @Override
    public Integer call() throws IOException {
        return calibrate(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
    }

    int calibrate(BufferedReader in, PrintStream out) throws IOException {
        ScaleSettings settings;
        try {
            settings = AgentConfigLoader.load(config).sensors().scale();
        } catch (ConfigException e) {
            out.println("Configuration error: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        if (!settings.enabled()) {
            out.println("The scale is switched off in " + config + " (sensor.hx711.enabled=false); nothing to do.");
            return ExitCodes.INAPPLICABLE;
        }
        Context pi4j;
        CalibrationDialog.Platform platform;
        PinTiming timing;
        if (simulate) {
            SimulatedHx711 chip = new SimulatedHx711(settings.clockPin(), settings.dataPin(),
                    SimulatedHx711.Rate.SPS_10, LoadCell.platform200Kg(System.nanoTime()));
            pi4j = new SimulatedHardware().attachGpio(chip, settings.clockPin(), settings.dataPin()).newContext();
            timing = chip.timing();
            platform = new CalibrationDialog.Platform() {
                @Override
                public void emptied() {
                    chip.setLoad(0);
                }

                @Override
                public void loaded(double kg) {
                    chip.setLoad(kg);
                }
            };
        } else {
            pi4j = Pi4J.newAutoContext();
            if (!pi4j.providers().exists(com.pi4j.io.IOType.DIGITAL_OUTPUT)) {
                pi4j.shutdown();
                out.println("No Pi4J GPIO provider found. On a Raspberry Pi, install the agent package with"
                        + " pi4j-plugin-ffm; elsewhere try the procedure with --simulate.");
                return ExitCodes.UNAVAILABLE;
            }
            timing = PinTiming.busyWaiting();
            platform = CalibrationDialog.Platform.REAL;
        }
        try {
            Hx711 chip = Hx711.open(pi4j, settings.clockPin(), settings.dataPin(), timing, ReadyPolling.TEN_SPS);
            Hx711Scale scale = new Hx711Scale(chip, startingPoint(settings.calibrationFile(), out),
                    Hx711Scale.Settings.DEFAULT);
            CalibrationDialog.Technician technician = new CalibrationDialog.Technician() {
                @Override
                public void tell(String line) {
                    out.println(line);
                }

                @Override
                public Optional<String> ask(String prompt) throws IOException {
                    out.println(prompt);
                    out.print("> ");
                    out.flush();
                    return Optional.ofNullable(in.readLine());
                }
            };
            CalibrationDialog.Result result = new CalibrationDialog(scale, settings.calibrationFile(),
                    Hx711Scale.Settings.DEFAULT.capacityKg(), technician, platform).run();
            return result == CalibrationDialog.Result.SAVED ? 0 : 1;
        } finally {
            pi4j.shutdown();
        }
    }

    /** The saved calibration's gain and factor if there is a usable one, else channel A at gain 128. */
    private static Hx711Calibration startingPoint(Path file, PrintStream out) {
        if (Files.exists(file)) {
            try {
                return CalibrationFile.read(file);
            } catch (IOException | IllegalArgumentException e) {
                out.println("The existing calibration cannot be used (" + e.getMessage() + "); starting afresh.");
            }
        }
        return new Hx711Calibration(Gain.A_128, 0, PROVISIONAL_COUNTS_PER_KG);
    }
}
