package org.telekiosk.protocol.cli;

/**
 * The exit codes of both command lines, {@code telekiosk-broker} and {@code telekiosk-edge-agent} (README, "Exit
 * codes"): picocli's own for success, failure and a malformed command line, and three of BSD's {@code sysexits.h}
 * where a script can act on the difference (fix the request, fix the configuration, wait for the device or service).
 */
public final class ExitCodes {
    private ExitCodes() {}

    /** Done. */
    public static final int OK = 0;
    /** The command failed while running (the message on standard error says why). */
    public static final int FAILED = 1;
    /** A malformed command line: an unknown or missing option or argument, a bad value, no subcommand (picocli). */
    public static final int USAGE = 2;
    /** A well-formed request this kiosk cannot carry out: a sensor switched off, an unknown simulated patient. */
    public static final int INAPPLICABLE = 64;
    /** A device or service the command needs is not there: no I2C provider, the broker not answering. */
    public static final int UNAVAILABLE = 69;
    /** The configuration file is invalid or incomplete. */
    public static final int CONFIG = 78;
}
