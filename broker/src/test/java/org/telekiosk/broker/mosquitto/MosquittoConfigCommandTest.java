package org.telekiosk.broker.mosquitto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.BrokerMain;
import org.telekiosk.broker.server.CrlDistributionPointTest;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine;

/**
 * {@code mosquitto-config} issues Mosquitto's server certificate with the broker's CRL as its distribution point
 * (RFC 5280 §4.2.1.13), as the running broker does for its own certificates: from {@code https.public-url} when set,
 * else from the first host name and the HTTPS port.
 */
class MosquittoConfigCommandTest {
    @TempDir
    Path dir;

    X509Certificate serverCertificate(String... configLines) throws Exception {
        Path config = Files.writeString(dir.resolve("broker.properties"),
                "data.dir=" + dir.resolve("data") + "\n" + String.join("\n", configLines) + "\n");
        StringWriter err = new StringWriter();
        CommandLine command = BrokerMain.commandLine();
        command.setErr(new PrintWriter(err, true));
        Path out = dir.resolve("mosquitto-" + configLines.length);
        int code = command.execute("mosquitto-config", "--config", config.toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, code, err.toString());
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(out.resolve("server.crt"))));
    }

    @Test
    void theServerCertificateNamesTheBrokersCrlFromItsHostNameAndPort() throws Exception {
        assertEquals(List.of("https://broker.example:9443/pki/crl"), CrlDistributionPointTest.distributionPoints(
                serverCertificate("https.host-names=broker.example", "https.port=9443")));
    }

    @Test
    void theServerCertificateNamesThePublicUrlsCrlWhenSet() throws Exception {
        assertEquals(List.of("https://telekiosk.example/pki/crl"), CrlDistributionPointTest.distributionPoints(
                serverCertificate("https.public-url=https://telekiosk.example")));
    }
}
