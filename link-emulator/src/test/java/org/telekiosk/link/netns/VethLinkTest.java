package org.telekiosk.link.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telekiosk.link.profile.LinkProfiles;

/**
 * The kiosk's namespace (root only; skipped with the reason otherwise): reachable only through the host end, rates
 * applied with tbf, and never left behind.
 */
class VethLinkTest {
    @BeforeAll
    static void needsRoot() {
        Assumptions.assumeTrue(VethLink.unavailable().isEmpty(),
                () -> "skipped: " + VethLink.unavailable().orElse(""));
    }

    @Test
    void theKioskReachesTheHostEndAndTheNamespaceIsGoneAfterClose() throws Exception {
        String namespace;
        try (VethLink link = VethLink.create();
                ServerSocket server = new ServerSocket()) {
            namespace = link.namespace();
            assertTrue(VethLink.exists(namespace));
            server.bind(new InetSocketAddress(link.hostAddress(), 0));
            // bash's /dev/tcp inside the namespace: a real connection from the kiosk's side
            Process kiosk = new ProcessBuilder(link.command(List.of("bash", "-c",
                    "echo kiosk >/dev/tcp/" + link.hostAddress().getHostAddress() + "/" + server.getLocalPort())))
                    .redirectErrorStream(true).start();
            try (Socket accepted = server.accept()) {
                assertEquals(link.kioskAddress(), accepted.getInetAddress());
                assertEquals("kiosk\n", new String(accepted.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(0, kiosk.waitFor());
            // the host's loopback is not the kiosk's: nothing on 127.0.0.1 of the host is reachable from inside
            Process loopback = new ProcessBuilder(link.command(List.of("bash", "-c",
                    "echo x >/dev/tcp/127.0.0.1/" + server.getLocalPort()))).redirectErrorStream(true).start();
            assertFalse(loopback.waitFor() == 0, "the kiosk reached the host's loopback");

            link.hosts(java.util.Map.of("broker.link.test", link.hostAddress()));
            String resolved = Shell.run(link.command(List.of("getent", "hosts", "broker.link.test")));
            assertTrue(resolved.startsWith(link.hostAddress().getHostAddress()), resolved);

            link.rates(LinkProfiles.bundled().profile("rural-lte"));
            String down = Shell.run(List.of("tc", "qdisc", "show", "dev", hostDevice(link)));
            String up = Shell.run(link.command(List.of("tc", "qdisc", "show")));
            assertTrue(down.contains("tbf") && down.contains("rate 2Mbit"), down);
            assertTrue(up.contains("tbf") && up.contains("rate 512Kbit"), up);
            link.rates(LinkProfiles.bundled().profile("blackout")); // no rate: the qdiscs go
            assertFalse(Shell.run(List.of("tc", "qdisc", "show", "dev", hostDevice(link))).contains("tbf"));
        }
        assertFalse(VethLink.exists(namespace), namespace + " was left behind");
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/etc/netns", namespace)));
    }

    @Test
    void aNamespaceLeftByAProcessThatDiedIsDeletedByTheNextCreate() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = "tk-" + gone.pid() + "-1";
        Shell.run(List.of("ip", "netns", "add", stale));
        try {
            try (VethLink link = VethLink.create()) {
                assertFalse(VethLink.exists(stale), "the stale namespace is still there");
                assertTrue(VethLink.exists(link.namespace()));
            }
        } finally {
            Shell.attempt(List.of("ip", "netns", "del", stale));
        }
    }

    private static String hostDevice(VethLink link) throws IOException {
        for (String line : Shell.run(List.of("ip", "-o", "-4", "addr", "show")).split("\n")) {
            if (line.contains(" " + link.hostAddress().getHostAddress() + "/")) {
                return line.trim().split("\\s+")[1];
            }
        }
        throw new AssertionError("no device with " + link.hostAddress());
    }
}
