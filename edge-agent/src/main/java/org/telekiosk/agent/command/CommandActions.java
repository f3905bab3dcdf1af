package org.telekiosk.agent.command;

import java.util.List;
import org.telekiosk.protocol.downlink.CommandKind;

/** What a measurement command does at the kiosk: the port between {@link CommandExecutor} and the sensors. */
public interface CommandActions {
    /**
     * Takes the measurement; blocks until it is done.
     *
     * @param seconds for {@link CommandKind#ECG}, how long to record
     * @return the sequence numbers of the readings it produced (sent as any reading)
     * @throws CommandFailure with a reason for the doctor if it could not be done
     */
    List<Long> run(CommandKind kind, int seconds) throws CommandFailure, InterruptedException;

    /** Why a command could not be done, in words for the doctor (no secrets, no stack traces). */
    final class CommandFailure extends Exception {
        public CommandFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
