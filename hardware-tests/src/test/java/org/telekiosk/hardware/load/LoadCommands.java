package org.telekiosk.hardware.load;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.telekiosk.agent.command.CommandActions;
import org.telekiosk.agent.command.CommandExecutor;
import org.telekiosk.agent.command.UpdateSender;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614Thermometer;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;

/**
 * A {@link LoadGenerator} kiosk's answers to the broker's measurement commands, as the agent gives them
 * (protocol/README.md, "command" and "command-update"), composed as the agent's {@code Agent#start} composes them: the
 * agent's own {@link CommandExecutor} (a command runs once per {@code id}; one that arrives at or after its
 * {@code expiresAt} is reported {@code EXPIRED}; otherwise {@code RUNNING}, then the outcome) and {@link UpdateSender}
 * (updates with QoS 1 on the kiosk's {@code commands} topic, in order, each until PUBACKed, again after a reconnect).
 * A load kiosk takes no measurement on demand (its readings are made up, no sensor is configured), so its actions fail
 * every kind with the words the agent uses for a kiosk where that sensor is not configured: {@code FAILED} with a
 * reason is the protocol's only way for a kiosk to say it cannot do a command (there is no "unsupported" answer). A
 * payload that is not a valid command (an unknown kind, say) never gets here: the uplink PUBACKs it, counts it and
 * ignores it, as the agent logs and ignores it.
 *
 * <p>The executor's worker thread is made at a kiosk's first command only, so a run without commands costs nothing.
 */
final class LoadCommands implements AutoCloseable {
    private final CommandExecutor executor;

    /**
     * @param subscribe registers a listener for the uplink's commands ({@code addCommandListener} of the Netty or the
     *                  agent's uplink); called here, before the uplink starts
     */
    LoadCommands(KioskId kiosk, Uplink uplink, Consumer<Consumer<Command>> subscribe, ReadingCounters counters,
            Clock clock) {
        UpdateSender updates = new UpdateSender(update -> answered(uplink.publish(update), counters));
        uplink.addConnectedListener(updates::connected);
        executor = new CommandExecutor(kiosk, LoadCommands::refuse, updates::send, clock);
        subscribe.accept(command -> {
            counters.commands.increment();
            executor.accept(command);
        });
    }

    private static CompletableFuture<Void> answered(CompletableFuture<Void> puback, ReadingCounters counters) {
        return puback.whenComplete((ok, e) -> {
            if (e == null) {
                counters.commandUpdates.increment();
            }
        });
    }

    /** The agent's {@code SamplerActions} where the kind's sensor is not configured (its {@code Sampler}'s words). */
    static List<Long> refuse(CommandKind kind, int seconds) throws CommandActions.CommandFailure {
        throw new CommandActions.CommandFailure(switch (kind) {
            case BLOOD_PRESSURE -> "blood-pressure monitor: no blood-pressure monitor is configured"
                    + " (sensor.bp-monitor.enabled), or the sampler is not running";
            case WEIGHT -> "scale: no sensor " + Hx711Scale.DEFAULT_ID + " is configured";
            case TEMPERATURE -> "thermometer: no sensor " + Mlx90614Thermometer.DEFAULT_ID + " is configured";
            case ECG -> "ECG: no ECG is configured at this kiosk";
        });
    }

    @Override
    public void close() {
        executor.close();
    }
}
