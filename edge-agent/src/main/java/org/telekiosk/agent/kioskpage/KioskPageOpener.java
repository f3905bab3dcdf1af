package org.telekiosk.agent.kioskpage;

import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.enrollment.CertificateRenewer;

/**
 * Opens the kiosk page at agent start, when {@code kiosk-page.command} is set: a fresh one-time page URL from the
 * broker, then the command, on a virtual thread (start never waits for the broker). Failures are logged with the
 * reason, never with the URL; a technician then runs {@code telekiosk-edge-agent kiosk-page-url}.
 */
public final class KioskPageOpener {
    private static final Logger LOG = LoggerFactory.getLogger(KioskPageOpener.class);

    private KioskPageOpener() {}

    /** Opens the page in the background if {@code config} asks for it; returns whether it will try. */
    public static boolean openIfConfigured(AgentConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.kioskPageCommand() == null) {
            return false;
        }
        if (!CertificateRenewer.applies(config.mqttIdentity())) {
            LOG.warn("Kiosk {}: kiosk-page.command is set, but the kiosk has no certificate to ask for a page token"
                    + " with; enroll it first", config.kioskId());
            return false;
        }
        KioskPageCommand command = new KioskPageCommand(config.kioskPageCommand());
        KioskPageUrl urls = new KioskPageUrl(config.mqttIdentity(), config.mqttCaFile(), config.renewalUrl());
        Thread.ofVirtual().name("telekiosk-kiosk-page").start(() -> {
            try {
                command.start(urls.fetch());
                LOG.info("Kiosk {}: opened the kiosk page with {}", config.kioskId(), command.program());
            } catch (IOException e) {
                LOG.warn("Kiosk {}: could not open the kiosk page: {}", config.kioskId(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return true;
    }
}
