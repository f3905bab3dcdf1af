package org.telekiosk.protocol.update;

import java.util.Objects;
import org.telekiosk.protocol.Untrusted;

/**
 * A Debian package version, {@code [epoch:]upstream[-revision]}, ordered as dpkg orders them (Debian Policy 5.6.12):
 * {@code 0.1.0~snapshot < 0.1.0 < 0.1.0+1 < 0.2.0}. The Maven version {@code 0.1.0-SNAPSHOT} is
 * {@code 0.1.0~snapshot} in the packages ({@link #fromMaven}).
 */
public record DebianVersion(String value) implements Comparable<DebianVersion> {
    public DebianVersion {
        Objects.requireNonNull(value, "version");
        if (value.isEmpty() || value.length() > 100 || !value.matches("(\\d+:)?[0-9][A-Za-z0-9.+~:-]*")) {
            throw new IllegalArgumentException("not a Debian version: '" + printable(value) + "'");
        }
    }

    public static DebianVersion of(String value) {
        return new DebianVersion(value);
    }

    /** The packages' form of a Maven version: {@code 0.1.0-SNAPSHOT} becomes {@code 0.1.0~snapshot}. */
    public static DebianVersion fromMaven(String maven) {
        return new DebianVersion(maven.replace("-SNAPSHOT", "~snapshot"));
    }

    @Override
    public int compareTo(DebianVersion other) {
        int epoch = Long.compare(epoch(value), epoch(other.value));
        if (epoch != 0) {
            return epoch;
        }
        String[] mine = upstreamAndRevision(value);
        String[] theirs = upstreamAndRevision(other.value);
        int upstream = compareParts(mine[0], theirs[0]);
        return upstream != 0 ? upstream : compareParts(mine[1], theirs[1]);
    }

    public boolean isNewerThan(DebianVersion other) {
        return compareTo(other) > 0;
    }

    private static long epoch(String v) {
        int colon = v.indexOf(':');
        return colon < 0 ? 0 : Long.parseLong(v.substring(0, colon));
    }

    private static String[] upstreamAndRevision(String v) {
        String rest = v.substring(v.indexOf(':') + 1);
        int dash = rest.lastIndexOf('-');
        return dash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, dash), rest.substring(dash + 1)};
    }

    /** dpkg's verrevcmp: alternating non-digit parts (by {@link #order}) and digit parts (numerically). */
    private static int compareParts(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i)))
                    || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = i < a.length() && !Character.isDigit(a.charAt(i)) ? order(a.charAt(i)) : 0;
                int bc = j < b.length() && !Character.isDigit(b.charAt(j)) ? order(b.charAt(j)) : 0;
                if (ac != bc) {
                    return Integer.compare(ac, bc);
                }
                if (i < a.length() && !Character.isDigit(a.charAt(i))) {
                    i++;
                }
                if (j < b.length() && !Character.isDigit(b.charAt(j))) {
                    j++;
                }
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && Character.isDigit(a.charAt(i))
                    && j < b.length() && Character.isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && Character.isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && Character.isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return Integer.signum(firstDiff);
            }
        }
        return 0;
    }

    /** dpkg's order of a non-digit: {@code ~} before the end, the end before letters, letters before the rest. */
    private static int order(char c) {
        if (Character.isLetter(c)) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }

    private static String printable(String s) {
        return Untrusted.printable(s, 41);
    }

    @Override
    public String toString() {
        return value;
    }
}
