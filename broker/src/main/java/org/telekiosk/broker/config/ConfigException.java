package org.telekiosk.broker.config;

/**
 * The broker's configuration is invalid or incomplete: an unknown key, a value out of range, an unreadable file. The
 * message names the key or the file; the command line ends with {@code ExitCodes.CONFIG} (78, {@code EX_CONFIG}).
 * An {@link IllegalArgumentException}, as the records' own validation throws.
 */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
