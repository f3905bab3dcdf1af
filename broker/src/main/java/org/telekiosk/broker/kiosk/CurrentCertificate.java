package org.telekiosk.broker.kiosk;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.telekiosk.protocol.KioskId;

/**
 * The one rule for "is this the kiosk's current certificate", used wherever a kiosk presents its certificate (MQTT
 * connect, renewal, kiosk page tokens): issued by this broker's issuing CA (signature checked), within its validity
 * ({@code notBefore ≤ now ≤ notAfter}, from the caller's clock), naming a kiosk in its CN, that kiosk enrolled, not
 * revoked, and the certificate the registry holds for it (not one a renewal superseded). Checked in that order; the
 * first that fails is the verdict. Each caller words the refusal for its own protocol.
 */
public final class CurrentCertificate {
    /** Why a certificate is not its kiosk's current one, in the order they are checked. */
    public enum Problem { OTHER_CA, NOT_YET_VALID, EXPIRED, NOT_A_KIOSK, NOT_ENROLLED, REVOKED, SUPERSEDED }

    /** The outcome of a check. */
    public sealed interface Verdict permits Current, Rejected {}

    /** The certificate is {@code kiosk}'s current one; {@code record} is the registry's entry for it. */
    public record Current(KioskId kiosk, KioskRecord record) implements Verdict {}

    /**
     * Not a current kiosk certificate.
     *
     * @param commonName the certificate's CN as presented ("" if none), for the caller's wording (not yet escaped)
     * @param kiosk      the kiosk its CN names, if it names one
     * @param record     the registry's entry, once known (from {@link Problem#REVOKED} on)
     */
    public record Rejected(Problem problem, String commonName, Optional<KioskId> kiosk, Optional<KioskRecord> record)
            implements Verdict {}

    private final X509Certificate issuingCa;

    public CurrentCertificate(X509Certificate issuingCa) {
        this.issuingCa = Objects.requireNonNull(issuingCa, "issuingCa");
    }

    /** Checks {@code presented} against the registry's {@code state} at {@code now}. Does not block. */
    public Verdict check(X509Certificate presented, KioskRegistry.State state, Instant now) {
        return check(presented, state::kiosk, now);
    }

    /**
     * Checks {@code presented} against the kiosks {@code lookup} finds at {@code now}: with {@link KioskRegistry#kiosk}
     * one map look-up, for the per-connection path (every kiosk's MQTT connect), instead of a scan of every kiosk ever
     * enrolled. Does not block.
     */
    public Verdict check(X509Certificate presented, Function<KioskId, Optional<KioskRecord>> lookup, Instant now) {
        String cn = commonName(presented.getSubjectX500Principal());
        Optional<KioskId> named = kioskNamed(cn);
        if (!issuedByCa(presented)) {
            return new Rejected(Problem.OTHER_CA, cn, named, Optional.empty());
        }
        if (now.isBefore(presented.getNotBefore().toInstant())) {
            return new Rejected(Problem.NOT_YET_VALID, cn, named, Optional.empty());
        }
        if (now.isAfter(presented.getNotAfter().toInstant())) {
            return new Rejected(Problem.EXPIRED, cn, named, Optional.empty());
        }
        if (named.isEmpty()) {
            return new Rejected(Problem.NOT_A_KIOSK, cn, named, Optional.empty());
        }
        KioskId kiosk = named.get();
        KioskRecord record = lookup.apply(kiosk).orElse(null);
        if (record == null || !record.enrolled()) {
            return new Rejected(Problem.NOT_ENROLLED, cn, named, Optional.ofNullable(record));
        }
        if (record.revoked()) {
            return new Rejected(Problem.REVOKED, cn, named, Optional.of(record));
        }
        if (!record.serial().equals(serial(presented))) {
            return new Rejected(Problem.SUPERSEDED, cn, named, Optional.of(record));
        }
        return new Current(kiosk, record);
    }

    private static Optional<KioskId> kioskNamed(String cn) {
        try {
            return Optional.of(KioskId.of(cn));
        } catch (IllegalArgumentException notAKiosk) {
            return Optional.empty();
        }
    }

    private boolean issuedByCa(X509Certificate cert) {
        if (!cert.getIssuerX500Principal().equals(issuingCa.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(issuingCa.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A certificate's serial number as the registry keeps it: lower-case hex. */
    public static String serial(X509Certificate cert) {
        return cert.getSerialNumber().toString(16);
    }

    /** The CN of {@code name}, or "" if it has none. */
    public static String commonName(X500Principal name) {
        for (var rdn : X500Name.getInstance(name.getEncoded()).getRDNs(BCStyle.CN)) {
            return IETFUtils.valueToString(rdn.getFirst().getValue());
        }
        return "";
    }
}
