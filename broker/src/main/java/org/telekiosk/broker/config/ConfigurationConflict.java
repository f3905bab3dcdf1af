package org.telekiosk.broker.config;

/**
 * The configuration a command was started with does not fit the state it found (a broker node whose CA is not the
 * one the shared database's kiosk registry belongs to, a registry file that cannot be imported into a database that
 * already holds another registry). Nothing was changed; the message says what to fix. The command line exits with
 * {@code ExitCodes.CONFIG} (78).
 */
public final class ConfigurationConflict extends RuntimeException {
    public ConfigurationConflict(String message) {
        super(message);
    }
}
