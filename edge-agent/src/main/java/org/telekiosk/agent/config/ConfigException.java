package org.telekiosk.agent.config;

/** The agent's configuration cannot be used; the message names the file, the key and what is expected. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
