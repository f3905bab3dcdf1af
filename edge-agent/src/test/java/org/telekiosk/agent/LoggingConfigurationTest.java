package org.telekiosk.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The agent's log configuration as shipped (slf4j-simple's {@code simplelogger.properties}; the tests themselves log
 * through logback, so this checks the file, not the provider): what a technician reads in the journal.
 */
class LoggingConfigurationTest {

    private static Properties shipped() throws IOException {
        try (InputStream in = AgentMain.class.getResourceAsStream("/simplelogger.properties")) {
            assertNotNull(in, "simplelogger.properties is among the agent's resources");
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        }
    }

    @Test
    void linesGoToStandardOutputAtInfoWithTimeAgentTagThreadAndLogger() throws IOException {
        Properties p = shipped();
        assertEquals("System.out", p.getProperty("org.slf4j.simpleLogger.logFile"));
        assertEquals("info", p.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
        assertEquals("true", p.getProperty("org.slf4j.simpleLogger.showDateTime"));
        assertEquals("HH:mm:ss.SSS 'agent'", p.getProperty("org.slf4j.simpleLogger.dateTimeFormat"));
        assertEquals("true", p.getProperty("org.slf4j.simpleLogger.showThreadName"));
        assertEquals("true", p.getProperty("org.slf4j.simpleLogger.showShortLogName"));
    }

    @Test
    void pahoNeverBelowWarnAndPi4jQuiet() throws IOException {
        Properties p = shipped();
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.log.org.eclipse.paho"));
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.log.com.pi4j"));
        assertEquals("off", p.getProperty("org.slf4j.simpleLogger.log.com.pi4j.boardinfo"));
    }
}
