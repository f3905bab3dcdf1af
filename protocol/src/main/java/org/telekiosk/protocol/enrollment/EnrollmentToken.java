package org.telekiosk.protocol.enrollment;

import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telekiosk.protocol.KioskId;

/**
 * A one-time enrollment token, as a technician pastes it on the kiosk: one line of ASCII,
 * <pre>  tk1.&lt;kiosk id&gt;.&lt;secret&gt;.&lt;ca pin&gt;</pre>
 * <ul>
 *   <li>{@code tk1}: format version;</li>
 *   <li>{@code kiosk id}: the kiosk this token enrolls ({@link KioskId}: a-z, 0-9, '-'; never a '.');</li>
 *   <li>{@code secret}: 32 random bytes, base64url without padding (43 characters); the broker keeps only its
 *       SHA-256;</li>
 *   <li>{@code ca pin}: SHA-256 of the DER SubjectPublicKeyInfo of the CA certificate at the top of the chain the
 *       broker's HTTPS endpoint presents, base64url without padding (43 characters). The kiosk refuses to send
 *       anything to an endpoint whose chain holds no such CA (compare {@code kubeadm join
 *       --discovery-token-ca-cert-hash}).</li>
 * </ul>
 * Example: {@code tk1.wmk-lab-03.q2Fv…43 chars….Xk9c…43 chars…}. The secret never appears in {@link #toString()}.
 */
public final class EnrollmentToken {
    /** The version prefix. */
    public static final String PREFIX = "tk1";
    private static final Pattern SHAPE = Pattern.compile(
            "tk1\\.([a-z0-9-]{3,40})\\.([A-Za-z0-9_-]{43})\\.([A-Za-z0-9_-]{43})");

    private final KioskId kiosk;
    private final String secret;
    private final String caPin;

    private EnrollmentToken(KioskId kiosk, String secret, String caPin) {
        this.kiosk = kiosk;
        this.secret = secret;
        this.caPin = caPin;
    }

    /** A token from its parts; {@code secret} and {@code caPin} are 32 bytes each. */
    public static EnrollmentToken of(KioskId kiosk, byte[] secret, byte[] caPin) {
        Objects.requireNonNull(kiosk, "kiosk");
        if (secret.length != 32 || caPin.length != 32) {
            throw new IllegalArgumentException("secret and CA pin must be 32 bytes each");
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return new EnrollmentToken(kiosk, b64.encodeToString(secret), b64.encodeToString(caPin));
    }

    /**
     * Parses a pasted token line (surrounding white space is ignored).
     *
     * @throws IllegalArgumentException naming what is wrong, never echoing the secret
     */
    public static EnrollmentToken parse(String line) {
        Objects.requireNonNull(line, "token");
        Matcher m = SHAPE.matcher(line.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an enrollment token: expected one line "
                    + "'tk1.<kiosk id>.<43 characters>.<43 characters>' as the broker printed it");
        }
        return new EnrollmentToken(KioskId.of(m.group(1)), m.group(2), m.group(3));
    }

    public KioskId kiosk() {
        return kiosk;
    }

    /** The secret part's bytes. */
    public byte[] secret() {
        return Base64.getUrlDecoder().decode(secret);
    }

    /** SHA-256 of the pinned CA's SubjectPublicKeyInfo. */
    public byte[] caPin() {
        return Base64.getUrlDecoder().decode(caPin);
    }

    /** The line to paste; contains the secret. */
    public String line() {
        return PREFIX + "." + kiosk.value() + "." + secret + "." + caPin;
    }

    @Override
    public String toString() {
        return "EnrollmentToken[" + kiosk + ", secret redacted, ca pin " + caPin + "]";
    }
}
