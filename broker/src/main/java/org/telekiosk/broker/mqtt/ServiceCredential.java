package org.telekiosk.broker.mqtt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A user name and random password that the broker's measurement subscriber still puts into its CONNECT. Since issue 4
 * the broker node is known by its service certificate ({@code BrokerPki#serviceIdentity}) and the authenticator
 * ignores user names and passwords; this class stays only because the subscriber's constructor (in
 * {@code telemetry}, changed in parallel for issue 6) takes it. Remove it with the next change there.
 */
public final class ServiceCredential {
    /** The MQTT user name and client id prefix of broker nodes; not a valid kiosk id, so no kiosk can claim it. */
    public static final String USERNAME = "telekiosk-broker$node";

    private final byte[] password;

    private ServiceCredential(byte[] password) {
        this.password = password;
    }

    public static ServiceCredential random(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new ServiceCredential(
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).getBytes(StandardCharsets.US_ASCII));
    }

    public byte[] password() {
        return password.clone();
    }

    boolean matches(String username, byte[] candidate) {
        return USERNAME.equals(username) && MessageDigest.isEqual(password, candidate);
    }

    @Override
    public String toString() {
        return "ServiceCredential[" + USERNAME + ", password redacted]";
    }
}
