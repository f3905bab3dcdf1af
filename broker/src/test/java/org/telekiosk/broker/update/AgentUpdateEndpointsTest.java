package org.telekiosk.broker.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.enrollment.EnrollmentResponse;
import org.telekiosk.protocol.enrollment.UpdateKeyField;
import org.telekiosk.protocol.update.AgentUpdateOffer;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.RefusalReason;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * The agent update endpoints through a real broker over mutual TLS, with real packages (dpkg-deb) in its packages
 * directory: the key in the enrollment answer, which package is offered, the download, and reports in the fleet view.
 */
class AgentUpdateEndpointsTest {
    static final WireCodec JSON = WireCodec.json(64 * 1024);
    static final Path FILES;
    static final KeyPair SIGNING;
    static final Path PACKAGES;

    static {
        try {
            FILES = Files.createTempDirectory("agent-update-test");
            SIGNING = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.writeString(FILES.resolve("update.pub"), UpdateKey.of(SIGNING.getPublic()).pem());
            PACKAGES = Files.createDirectories(FILES.resolve("packages"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of(
            "agent-update.public-key-file", FILES.resolve("update.pub").toString(),
            "agent-update.dir", PACKAGES.toString()));

    static Path good;
    static Path goodArm;
    static TestKiosk kiosk;
    static RestClient client;
    static Map<String, String> technician;

    @BeforeAll
    static void packagesAndAKiosk() throws Exception {
        good = agentPackage("0.2.0", "all", true);
        goodArm = agentPackage("0.2.5", "arm64", true);
        agentPackage("0.3.0", "all", false); // its signature is of another key: never offered
        kiosk = TestKiosk.enroll(BROKER, KioskId.of("wmk-upd-01"));
        client = new RestClient(BROKER);
        var accounts = BROKER.broker().access().accounts();
        Account admin = ((AccountCreation.Created) accounts.createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        accounts.createAccount(admin, LoginName.of("tech.upd"), DisplayName.of("Tom Upd"), Role.TECHNICIAN,
                Password.of("tech password 12"));
        technician = Map.of("Authorization", "Bearer " + client.login("tech.upd", "tech password 12"));
    }

    static Path agentPackage(String version, String arch, boolean signedWell) throws Exception {
        Path tree = Files.createTempDirectory(FILES, "tree");
        Files.createDirectories(tree.resolve("DEBIAN"));
        Files.writeString(tree.resolve("DEBIAN/control"), "Package: telekiosk-edge-agent\nVersion: " + version
                + "\nArchitecture: " + arch + "\nMaintainer: T <t@example.org>\nDescription: test\n");
        Files.createDirectories(tree.resolve("usr/share/telekiosk-test"));
        Files.writeString(tree.resolve("usr/share/telekiosk-test/version"), version);
        Path deb = PACKAGES.resolve("telekiosk-edge-agent_" + version + "_" + arch + ".deb");
        Process build = new ProcessBuilder("dpkg-deb", "-Znone", "--root-owner-group", "--build", tree.toString(),
                deb.toString()).redirectErrorStream(true).start();
        build.getInputStream().readAllBytes();
        assertTrue(build.waitFor(60, TimeUnit.SECONDS) && build.exitValue() == 0, "dpkg-deb failed");
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(signedWell ? SIGNING.getPrivate()
                : KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        signer.update(Files.readAllBytes(deb));
        Files.write(Path.of(deb + ".sig"), signer.sign());
        return deb;
    }

    static HttpResponse<byte[]> get(String path, SSLContext tls) {
        try (HttpClient http = HttpClient.newBuilder().sslContext(tls).build()) {
            return http.send(HttpRequest.newBuilder(BROKER.https(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> offer(String version, String arch) {
        return get("/api/v1/agent-update?version=" + version + "&arch=" + arch, tlsOfKiosk());
    }

    static SSLContext tlsOfKiosk() {
        try {
            return kiosk.tls();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aKioskThatAsksGetsTheUpdateKeyWithItsCertificateAndAnOlderAgentDoesNot() throws Exception {
        KioskId id = KioskId.of("wmk-upd-02");
        String token = BROKER.broker().enrollment().createToken(id, "Upd 2", AuditActor.system()).line();
        String csr = TestKiosk.csr(TestKiosk.p256(), "CN=" + id.value(), "SHA256withECDSA");
        HttpResponse<String> answer;
        try (HttpClient http = HttpClient.newBuilder().sslContext(BROKER.tls()).build()) {
            answer = http.send(HttpRequest.newBuilder(BROKER.https("/api/v1/enroll"))
                    .header("Content-Type", "application/json").header(UpdateKeyField.HEADER, UpdateKeyField.FEATURE)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.encodeToString(new EnrollmentRequest(token, csr))))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        assertEquals(200, answer.statusCode(), answer.body());
        UpdateKeyField.Split split = UpdateKeyField.split(answer.body());
        assertEquals(java.util.Optional.of(UpdateKey.of(SIGNING.getPublic())), split.key());
        assertEquals("wmk-upd-02", JSON.decode(split.message(), EnrollmentResponse.class).kioskId());
        // TestKiosk.enroll sends no header and decodes strictly, as an agent older than updates: it enrolled.
        assertEquals(KioskId.of("wmk-upd-01"), kiosk.id());
    }

    @Test
    void theNewestWellSignedPackageForTheKiosksArchitectureIsOffered() throws Exception {
        HttpResponse<byte[]> amd64 = offer("0.1.0", "amd64");
        HttpResponse<byte[]> arm64 = offer("0.1.0", "arm64");

        assertEquals(200, amd64.statusCode(), new String(amd64.body()));
        AgentUpdateOffer offer = JSON.decode(amd64.body(), AgentUpdateOffer.class);
        assertEquals("0.2.0", offer.version(), "0.3.0's signature is of another key");
        assertEquals(Files.size(good), offer.size());
        assertArrayEquals(Files.readAllBytes(Path.of(good + ".sig")), offer.signatureBytes());
        assertEquals("0.2.5", JSON.decode(arm64.body(), AgentUpdateOffer.class).version());
    }

    @Test
    void aKioskRunningTheNewestGetsNothing() {
        assertEquals(204, offer("0.2.5", "arm64").statusCode());
        assertEquals(204, offer("1:0", "amd64").statusCode());
    }

    @Test
    void theOfferedPackageIsDownloadedWholeAndNothingElseIs() throws Exception {
        AgentUpdateOffer offer = JSON.decode(offer("0.1.0", "amd64").body(), AgentUpdateOffer.class);

        HttpResponse<byte[]> download = get(offer.path(), tlsOfKiosk());

        assertEquals(200, download.statusCode());
        assertEquals("application/vnd.debian.binary-package",
                download.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(Files.readAllBytes(good), download.body());
        assertEquals(404, get("/api/v1/agent-update/packages/telekiosk-edge-agent_0.3.0_all.deb", tlsOfKiosk())
                .statusCode(), "a package whose signature fails is not served");
        assertEquals(404, get("/api/v1/agent-update/packages/..%2Fupdate.pub", tlsOfKiosk()).statusCode());
    }

    @Test
    void withoutAKioskCertificateNothingIsOfferedOrServed() throws Exception {
        AgentUpdateOffer offer = JSON.decode(offer("0.1.0", "amd64").body(), AgentUpdateOffer.class);

        assertEquals(401, get("/api/v1/agent-update?version=0.1.0&arch=amd64", BROKER.tls()).statusCode());
        assertEquals(401, get(offer.path(), BROKER.tls()).statusCode());
    }

    @Test
    void aMalformedQueryIsRefusedWithAProblem() {
        assertEquals(400, offer("latest", "amd64").statusCode());
        assertEquals(400, offer("0.1.0", "ARM%20x").statusCode());
    }

    @Test
    void reportsShowInTheTechniciansFleetViewAndARefusalStaysVisible() throws Exception {
        AgentUpdateReport refused = AgentUpdateReport.refused(DebianVersion.of("0.1.0"), "arm64", "0.2.5",
                RefusalReason.SIGNATURE, "the signature does not verify against the update key pinned at enrollment");
        assertEquals(204, TestKiosk.post(BROKER, "/api/v1/agent-update/report", kiosk.tls(),
                JSON.encodeToString(refused)).statusCode());
        assertEquals(204, TestKiosk.post(BROKER, "/api/v1/agent-update/report", kiosk.tls(),
                JSON.encodeToString(AgentUpdateReport.running(DebianVersion.of("0.1.0"), "arm64"))).statusCode());
        assertEquals(401, TestKiosk.post(BROKER, "/api/v1/agent-update/report", BROKER.tls(),
                JSON.encodeToString(refused)).statusCode());
        assertEquals(400, TestKiosk.post(BROKER, "/api/v1/agent-update/report", kiosk.tls(),
                "{\"version\":\"0.1.0\"}").statusCode());

        RestClient.Reply fleet = client.send("GET", "/api/v1/kiosks", null, technician);

        JsonNode agent = null;
        for (JsonNode k : fleet.json().path("kiosks")) {
            if (k.path("id").asText().equals("wmk-upd-01")) {
                agent = k.path("agent");
            }
        }
        assertTrue(agent != null && agent.isObject(), fleet.json().toString());
        assertEquals("0.1.0", agent.path("version").asText());
        assertEquals("arm64", agent.path("architecture").asText());
        assertEquals("running", agent.path("state").asText());
        assertEquals("0.2.5", agent.path("problem").path("offered").asText());
        assertEquals("signature", agent.path("problem").path("reason").asText());
    }

    @Test
    void opensslVerifiesTheSignaturesSoOperatorsMaySignWithEitherTool() throws Exception {
        Process verify = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                FILES.resolve("update.pub").toString(), "-rawin", "-in", goodArm.toString(), "-sigfile",
                goodArm + ".sig").redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes());

        assertTrue(verify.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, verify.exitValue(), output);
        assertTrue(output.contains("Signature Verified Successfully"), output);
    }
}
