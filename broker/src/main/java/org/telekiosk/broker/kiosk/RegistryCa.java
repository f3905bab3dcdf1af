package org.telekiosk.broker.kiosk;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.config.ConfigurationConflict;
import org.telekiosk.broker.store.SqlAccess;

/**
 * Binds the kiosk registry to the CA whose certificates it lists: the first broker node records the SHA-256
 * fingerprints of its root and issuing CA certificates in {@code kiosk_registry}; every later start (of any node on
 * the same database) compares its own. A node with another root CA, or an issuing CA older than the one recorded,
 * refuses to start ({@link ConfigurationConflict}): its kiosks' certificates would not be the registry's, and the
 * registry's kiosks would be refused by it. An issuing CA newer than the one recorded and from the same root is a
 * renewal (BrokerPki renews it with a third of its lifetime left): it is recorded, and the other nodes need it
 * before their next start.
 */
public final class RegistryCa {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryCa.class);

    private RegistryCa() {}

    /** Records or checks this node's CA; throws {@link ConfigurationConflict} on a mismatch. Blocking. */
    public static void bind(SqlAccess sql, X509Certificate root, X509Certificate issuing) {
        String rootPrint = fingerprint(root);
        String issuingPrint = fingerprint(issuing);
        Instant issuedFrom = issuing.getNotBefore().toInstant();
        String outcome = RegistryTables.locked(sql, "check the CA recorded with the kiosk registry", c -> {
            String recordedRoot;
            String recordedIssuing;
            Optional<Instant> recordedFrom;
            try (PreparedStatement s = c.prepareStatement("SELECT root_ca_sha256, issuing_ca_sha256, "
                    + "issuing_ca_not_before FROM kiosk_registry WHERE id = 1"); ResultSet row = s.executeQuery()) {
                row.next();
                recordedRoot = row.getString(1);
                recordedIssuing = row.getString(2);
                recordedFrom = SqlAccess.optionalInstant(row, "issuing_ca_not_before");
            }
            if (recordedRoot != null && !recordedRoot.equals(rootPrint)) {
                return "root:" + recordedRoot;
            }
            if (rootPrint.equals(recordedRoot) && issuingPrint.equals(recordedIssuing)) {
                return "same";
            }
            if (recordedIssuing != null && recordedFrom.isPresent() && !issuedFrom.isAfter(recordedFrom.get())) {
                return "issuing:" + recordedIssuing + " from " + recordedFrom.get();
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE kiosk_registry SET root_ca_sha256 = ?, "
                    + "issuing_ca_sha256 = ?, issuing_ca_not_before = ? WHERE id = 1")) {
                s.setString(1, rootPrint);
                s.setString(2, issuingPrint);
                s.setLong(3, SqlAccess.nanos(issuedFrom));
                s.executeUpdate();
            }
            return recordedIssuing == null ? "recorded" : "renewed";
        });
        if (outcome.startsWith("root:")) {
            throw new ConfigurationConflict("this broker node's root CA (SHA-256 " + rootPrint + ") is not the one "
                    + "the database's kiosk registry belongs to (SHA-256 " + outcome.substring(5) + "). Every broker "
                    + "node on one database must run with the same CA: copy pki/ca.pem, pki/issuing-ca.p12 and the key "
                    + "store password from a node of this database into this node's data directory (or restore pki/ "
                    + "from its backup), or point store.url at this node's own database. Nothing was changed.");
        }
        if (outcome.startsWith("issuing:")) {
            throw new ConfigurationConflict("this broker node's issuing CA (SHA-256 " + issuingPrint + ", valid from "
                    + issuedFrom + ") is not the one the database's kiosk registry records (SHA-256 "
                    + outcome.substring(8) + "), which is newer: another node renewed it, or this node has another "
                    + "CA. Copy pki/issuing-ca.p12 from a node of this database into this node's data directory. "
                    + "Nothing was changed.");
        }
        switch (outcome) {
            case "recorded" -> LOG.info("Recorded this node's CA with the kiosk registry (root SHA-256 {}, issuing "
                    + "SHA-256 {})", rootPrint, issuingPrint);
            case "renewed" -> LOG.warn("This node's issuing CA (SHA-256 {}) is newer than the one recorded with the "
                    + "kiosk registry and replaces it: every other broker node on this database needs this "
                    + "node's pki/issuing-ca.p12 before its next start", issuingPrint);
            default -> { }
        }
    }

    /** SHA-256 of the certificate's DER encoding, lower-case hex. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }
}
