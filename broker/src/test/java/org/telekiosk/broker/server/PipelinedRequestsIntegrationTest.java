package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.AccountService;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RestClient;

/**
 * Pipelined requests over a raw TLS socket to a running broker (RFC 9112 §9.3.2): A's login and B's {@code GET /me},
 * written together, come back A then B, in every round.
 */
class PipelinedRequestsIntegrationTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    record Answer(int status, String body) {}

    @Test
    void aLoginAndAnotherUsersGetMePipelinedOnOneConnectionAreAnsweredInOrder() throws Exception {
        AccountService accounts = BROKER.broker().access().accounts();
        var admin = ((AccountCreation.Created) accounts.createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        accounts.createAccount(admin, LoginName.of("dr.a"), DisplayName.of("Dr. A"), Role.DOCTOR,
                Password.of("a password 1234"));
        accounts.createAccount(admin, LoginName.of("dr.b"), DisplayName.of("Dr. B"), Role.DOCTOR,
                Password.of("b password 1234"));
        String tokenB = new RestClient(BROKER).login("dr.b", "b password 1234");
        String login = "{\"login\":\"dr.a\",\"password\":\"a password 1234\"}";
        String pair = "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + login.length() + "\r\n\r\n" + login
                + "GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + tokenB + "\r\n\r\n";
        try (SSLSocket socket = (SSLSocket) BROKER.tls().getSocketFactory().createSocket("localhost",
                BROKER.broker().httpsPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // Five rounds: before the fix B's answer came first in 20 of 20; each round costs an Argon2id hash (~1 s
            // on a loaded machine), and 20 took 29 s of the build.
            for (int round = 0; round < 5; round++) {
                out.write(pair.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Answer first = read(in);
                Answer second = read(in);
                assertEquals(200, first.status(), first.body());
                assertTrue(first.body().contains("\"token\"") && first.body().contains("dr.a"),
                        "round " + round + ": A's login first, was " + first.body());
                assertEquals(200, second.status(), second.body());
                assertTrue(second.body().contains("dr.b") && !second.body().contains("\"token\""),
                        "round " + round + ": then B's /me, was " + second.body());
            }
        }
    }

    /** One HTTP/1.1 response with a Content-Length body. */
    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        int length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring("content-length:".length()).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed mid-response");
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }
}
