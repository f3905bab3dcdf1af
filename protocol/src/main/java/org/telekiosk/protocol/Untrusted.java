package org.telekiosk.protocol;

/**
 * Echoes untrusted text (a peer's identifier, topic, certificate subject, a parser's message) safely into an error
 * message, a log line or a wire field: control characters (ISO control code points, so also line breaks and C1
 * controls) become {@code ?}, and text longer than its limit is cut and ends in {@code …}.
 */
public final class Untrusted {
    private Untrusted() {}

    /**
     * @param text     what a peer sent
     * @param maxChars how many characters the result may have at most, the {@code …} included (at least 2)
     */
    public static String printable(String text, int maxChars) {
        if (maxChars < 2) {
            throw new IllegalArgumentException("maxChars must be at least 2, was " + maxChars);
        }
        String cut = text.length() <= maxChars ? text : text.substring(0, maxChars - 1) + "…";
        StringBuilder clean = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return clean.toString();
    }
}
