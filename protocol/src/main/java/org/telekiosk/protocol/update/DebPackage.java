package org.telekiosk.protocol.update;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The control fields of a Debian binary package ({@code deb(5)}): an {@code ar} archive whose members are
 * {@code debian-binary} ("2.0"), {@code control.tar} (uncompressed, as our jdeb build writes it, or {@code .gz}) and
 * {@code data.tar*}. Reads only what it needs and refuses anything else with a message: this runs on bytes whose
 * signature has already been checked, but a well-signed package can still be the wrong kind of file.
 *
 * @param name         {@code Package}
 * @param version      {@code Version}
 * @param architecture {@code Architecture} ({@code all}, {@code arm64}, …)
 */
public record DebPackage(String name, DebianVersion version, String architecture) {
    private static final byte[] AR_MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_CONTROL = 1024 * 1024;

    /** Not a Debian package we can read. */
    public static final class NotAPackage extends Exception {
        public NotAPackage(String message) {
            super(message);
        }
    }

    /** Reads the control fields of the package in {@code deb}. */
    public static DebPackage read(byte[] deb) throws NotAPackage {
        if (deb.length < AR_MAGIC.length || !java.util.Arrays.equals(deb, 0, AR_MAGIC.length, AR_MAGIC, 0,
                AR_MAGIC.length)) {
            throw new NotAPackage("not a Debian package (no ar archive header)");
        }
        int at = AR_MAGIC.length;
        boolean sawBinary = false;
        while (at + 60 <= deb.length) {
            String name = ascii(deb, at, 16).strip();
            long size;
            try {
                size = Long.parseLong(ascii(deb, at + 48, 10).strip());
            } catch (NumberFormatException e) {
                throw new NotAPackage("damaged ar member header at byte " + at);
            }
            int start = at + 60;
            if (size < 0 || start + size > deb.length) {
                throw new NotAPackage("the package is cut short (member '" + name + "' needs " + size + " bytes)");
            }
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.equals("debian-binary")) {
                if (!ascii(deb, start, (int) size).startsWith("2.")) {
                    throw new NotAPackage("unsupported Debian package format " + ascii(deb, start, (int) size).strip());
                }
                sawBinary = true;
            } else if (name.startsWith("control.tar")) {
                if (!sawBinary) {
                    throw new NotAPackage("debian-binary must come first");
                }
                byte[] member = java.util.Arrays.copyOfRange(deb, start, start + (int) size);
                return fromControl(controlFile(name, member));
            }
            at = start + (int) size + (int) (size % 2);
        }
        throw new NotAPackage("the package has no control.tar member");
    }

    private static String controlFile(String member, byte[] bytes) throws NotAPackage {
        try (InputStream tar = switch (member) {
            case "control.tar" -> new ByteArrayInputStream(bytes);
            case "control.tar.gz" -> new GZIPInputStream(new ByteArrayInputStream(bytes));
            default -> throw new NotAPackage("unsupported control compression: " + member + " (use none or gzip)");
        }) {
            byte[] all = tar.readNBytes(MAX_CONTROL);
            for (int at = 0; at + 512 <= all.length; ) {
                String name = ascii(all, at, 100).replace("\0", "").strip();
                if (name.isEmpty()) {
                    break;
                }
                long size = Long.parseLong(ascii(all, at + 124, 12).replace("\0", "").strip(), 8);
                int start = at + 512;
                if (start + size > all.length) {
                    throw new NotAPackage("control.tar is cut short");
                }
                if (name.equals("./control") || name.equals("control")) {
                    return new String(all, start, (int) size, StandardCharsets.UTF_8);
                }
                at = start + (int) ((size + 511) / 512 * 512);
            }
        } catch (IOException | NumberFormatException e) {
            throw new NotAPackage("cannot read " + member + ": " + e.getMessage());
        }
        throw new NotAPackage("the package has no control file");
    }

    private static DebPackage fromControl(String control) throws NotAPackage {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : control.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith(" ")) {
                fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        String name = Optional.ofNullable(fields.get("Package")).orElseThrow(() -> new NotAPackage("no Package field"));
        String version = Optional.ofNullable(fields.get("Version"))
                .orElseThrow(() -> new NotAPackage("no Version field"));
        String arch = Optional.ofNullable(fields.get("Architecture"))
                .orElseThrow(() -> new NotAPackage("no Architecture field"));
        try {
            return new DebPackage(name, DebianVersion.of(version), arch);
        } catch (IllegalArgumentException e) {
            throw new NotAPackage(e.getMessage());
        }
    }

    /** Whether the package installs on a machine of dpkg architecture {@code machine}. */
    public boolean installsOn(String machine) {
        return architecture.equals("all") || architecture.equals(machine);
    }

    /** The dpkg architecture of this JVM's machine: {@code arm64} on a Raspberry Pi 5, {@code amd64} on a PC. */
    public static String machineArchitecture() {
        return switch (System.getProperty("os.arch")) {
            case "aarch64", "arm64" -> "arm64";
            case "amd64", "x86_64" -> "amd64";
            case "arm" -> "armhf";
            case "x86", "i386", "i686" -> "i386";
            case String other -> other;
        };
    }

    private static String ascii(byte[] bytes, int from, int length) {
        return new String(bytes, from, Math.min(length, bytes.length - from), StandardCharsets.US_ASCII);
    }
}
