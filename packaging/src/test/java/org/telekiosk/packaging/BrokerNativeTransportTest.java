package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's package carries Netty's native epoll transport for linux-x86_64 (its {@code https.transport=auto}, the
 * default, runs the HTTPS listener on it; docs/operations.md), and the library loads from the shaded jar as installed:
 * a package that lost it would run on NIO with only a line in the log to say so.
 */
class BrokerNativeTransportTest {
    private static final String LIBRARY = "META-INF/native/libnetty_transport_native_epoll_x86_64.so";

    @Test
    void theBrokersJarHoldsTheEpollLibraryAndLoadsIt(@TempDir Path dir) throws IOException {
        assumeTrue(Packages.installed("dpkg-deb"), "dpkg-deb reads the packages (Debian's dpkg)");
        Path jar = Packages.extract(Packages.BROKER, dir.resolve("root"))
                .resolve("usr/share/telekiosk-broker/telekiosk-broker.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertNotNull(file.getEntry(LIBRARY), LIBRARY + " in the broker's jar");
        }
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the library is for Linux on x86-64");
        Path check = Files.writeString(dir.resolve("EpollCheck.java"), """
                public class EpollCheck {
                    public static void main(String[] args) {
                        System.out.println(io.netty.channel.epoll.Epoll.isAvailable()
                                ? "available" : String.valueOf(io.netty.channel.epoll.Epoll.unavailabilityCause()));
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Packages.Result result = Packages.exec(List.of(java, "-cp", jar.toString(), check.toString()), Map.of());
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("available", result.stdout().strip(), result.output());
    }
}
