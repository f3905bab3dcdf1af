package org.telekiosk.broker.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.protocol.KioskId;

/**
 * The access module: the account and consultation services on the store's database ({@link AccessServices}), the
 * seats left connected by the previous run marked as dropped (their patients may resume), and the periodic purge.
 */
final class Access implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Access.class);

    private final AccessServices services;
    private final AccessPurge purge;

    private Access(AccessServices services, AccessPurge purge) {
        this.services = services;
        this.purge = purge;
    }

    /** @param kioskInService whether a kiosk page session's kiosk still is (not revoked) */
    static Access start(BrokerConfig config, Storage storage, Path data, SecureRandom random, Clock clock,
            Predicate<KioskId> kioskInService) throws IOException {
        AccessServices services = AccessServices.open(storage.sql(), config.access(), config.lockouts(), data,
                random, clock, kioskInService);
        // Only the seats whose sockets were on this node (by its name, the MQTT client id): another node's restart
        // leaves this node's calls alone, and this one's leaves theirs (issue 17).
        int resuming = services.purge().seats().disconnectAllConnected(clock.instant(),
                org.telekiosk.broker.mqtt.ClientIdFile.in(data, random));
        if (resuming > 0) {
            LOG.info("{} patients were connected before this start; they may resume within the grace period",
                    resuming);
        }
        return new Access(services, AccessPurge.every(config.access().purgeInterval(), services, clock));
    }

    AccessServices services() {
        return services;
    }

    @Override
    public void close() {
        purge.close();
        // Before the database closes (the storage module closes after this one): what is queued gets written.
        services.records().close();
    }
}
