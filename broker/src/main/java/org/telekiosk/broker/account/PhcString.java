package org.telekiosk.broker.account;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2id hash in the PHC string format, as written by the reference implementation and libsodium:
 * {@code $argon2id$v=19$m=65536,t=3,p=1$<salt>$<tag>} with salt and tag in standard Base64 without padding
 * (PHC string format specification, "B64"). Only Argon2id version 0x13 (19) is accepted.
 */
record PhcString(Argon2idParameters parameters, byte[] salt, byte[] tag) {
    private static final Pattern SHAPE = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,86})\\$([A-Za-z0-9+/]{22,86})");

    /** Parses {@code text}; throws {@link IllegalArgumentException} (without echoing it) if it is not one. */
    static PhcString parse(String text) {
        Matcher m = SHAPE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("stored password hash is not an argon2id v=19 PHC string");
        }
        byte[] salt = Base64.getDecoder().decode(m.group(4));
        byte[] tag = Base64.getDecoder().decode(m.group(5));
        Argon2idParameters parameters = new Argon2idParameters(Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), salt.length, tag.length);
        return new PhcString(parameters, salt, tag);
    }

    String format() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + parameters.memoryKiB() + ",t=" + parameters.iterations() + ",p="
                + parameters.parallelism() + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(tag);
    }

    @Override
    public String toString() {
        return "PhcString[" + parameters + "]";
    }
}
