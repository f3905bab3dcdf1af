package org.telekiosk.broker.kiosk;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.store.StoreException;
import org.telekiosk.protocol.KioskId;

/**
 * One change of the kiosk registry, inside {@link KioskRegistry#change}'s transaction under the registry's lock: it
 * reads and writes single rows by their key (kiosk id, token hash, serial), never the whole registry. Reads see the
 * database as it is now (every node's committed changes, and this change's own writes). The kiosks and CRL entries it
 * writes are stamped with the version this change makes and reach the node's in-memory view after the commit.
 * Database failures are thrown as {@link StoreException}; the whole change is rolled back.
 */
public final class RegistryChange {
    private final Connection connection;
    private final long version;
    private long crlNumber;
    private boolean crlNumberSet;
    private final List<KioskRecord> kiosks = new ArrayList<>();
    private final List<RevokedSerial> revoked = new ArrayList<>();

    RegistryChange(Connection connection, long version, long crlNumber) {
        this.connection = connection;
        this.version = version;
        this.crlNumber = crlNumber;
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws SQLException;
    }

    private static <T> T sql(String what, Step<T> step) {
        try {
            return step.run();
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + " in the kiosk registry: " + e.getMessage(), e);
        }
    }

    /** The kiosk as the database holds it now. */
    public Optional<KioskRecord> kiosk(KioskId id) {
        return sql("read a kiosk", () -> RegistryTables.kiosk(connection, id.value()));
    }

    /** The enrollment token whose secret hashes to {@code secretHash}, as the database holds it now. */
    public Optional<TokenRecord> token(String secretHash) {
        return sql("read a token", () -> RegistryTables.token(connection, secretHash));
    }

    /** Whether the certificate {@code serial} is listed for the CRL already. */
    public boolean isRevoked(String serial) {
        return sql("read a revoked certificate", () -> RegistryTables.revoked(connection, serial));
    }

    /** Writes {@code record} in place of the kiosk of the same id (or adds it). */
    public RegistryChange putKiosk(KioskRecord record) {
        sql("write a kiosk", () -> {
            RegistryTables.putKiosk(connection, record, version);
            return null;
        });
        kiosks.add(record);
        return this;
    }

    /** Adds a new enrollment token. */
    public RegistryChange addToken(TokenRecord token) {
        sql("add a token", () -> {
            RegistryTables.insertToken(connection, token);
            return null;
        });
        return this;
    }

    /**
     * Marks the token used at {@code at}, if it is unused, enrolls {@code kiosk} and has not expired: exactly one of
     * any number of concurrent redemptions, on any node, gets true.
     */
    public boolean redeemToken(String secretHash, KioskId kiosk, Instant at) {
        return sql("redeem a token", () -> RegistryTables.redeemToken(connection, secretHash, kiosk.value(), at));
    }

    /** Lists {@code serial} for the CRL and raises the CRL number; a serial listed already is left as it is. */
    public RegistryChange addRevoked(RevokedSerial serial) {
        if (sql("list a revoked certificate", () -> RegistryTables.insertRevoked(connection, serial, version))) {
            revoked.add(serial);
            crlNumber++;
        }
        return this;
    }

    /** Sets the CRL number (a registry file's, at its import). */
    void crlNumber(long number) {
        crlNumber = number;
        crlNumberSet = true;
    }

    long version() {
        return version;
    }

    long crlNumber() {
        return crlNumber;
    }

    /** Whether this change wrote a kiosk or a CRL entry (or set the CRL number): what the nodes' views hold. */
    boolean changedView() {
        return !kiosks.isEmpty() || !revoked.isEmpty() || crlNumberSet;
    }

    List<KioskRecord> kiosks() {
        return kiosks;
    }

    List<RevokedSerial> revoked() {
        return revoked;
    }
}
