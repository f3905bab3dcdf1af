package org.telekiosk.broker.consultation;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A patient's one-time join code, made to be read aloud and typed on a touch screen: 9 characters from a 31-symbol
 * alphabet without the look-alikes 0/O, 1/I/L, shown as {@code ABC-DEF-GHJ}. 31<sup>9</sup> ≈ 2.6·10<sup>13</sup>
 * codes, about 44.6 bits, drawn uniformly from a {@link SecureRandom}: with the guessing limits of
 * {@link CodeGuessingLimiter} an attacker gets a vanishing chance per code lifetime. Input is case-insensitive and
 * dashes and spaces are ignored. Never prints itself.
 */
public final class JoinCode {
    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    static final int LENGTH = 9;
    private static final int MAX_INPUT = 64;

    private final String canonical;

    private JoinCode(String canonical) {
        this.canonical = canonical;
    }

    public static JoinCode generate(SecureRandom random) {
        StringBuilder code = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return new JoinCode(code.toString());
    }

    /** The code a person typed, or empty if it cannot be one (the caller treats that as a wrong code). */
    public static Optional<JoinCode> parse(String typed) {
        Objects.requireNonNull(typed, "typed");
        if (typed.length() > MAX_INPUT) {
            return Optional.empty();
        }
        String canonical = typed.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (canonical.length() != LENGTH || !canonical.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(new JoinCode(canonical));
    }

    /** The code for people: three groups of three, e.g. {@code K7M-4QX-9TR}. Shown once to the doctor. */
    public String formatted() {
        return canonical.substring(0, 3) + "-" + canonical.substring(3, 6) + "-" + canonical.substring(6);
    }

    String canonical() {
        return canonical;
    }

    @Override
    public String toString() {
        return "JoinCode(redacted)";
    }
}
