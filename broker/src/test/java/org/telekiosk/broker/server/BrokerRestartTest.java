package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.telekiosk.broker.testing.Outcomes.done;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.LoginResult;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.IssuedCode;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.consultation.Resumed;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.testing.HiveMqNettyStop;

/**
 * Two real brokers one after the other on one data directory: what the database and the join-code key carry across
 * a restart — a doctor's session, an unredeemed code, and a patient's seat, which the new broker treats as a dropped
 * connection so that the patient resumes instead of starting over.
 */
class BrokerRestartTest {
    static final ClientAddress KIOSK = ClientAddress.parse("192.0.2.33");

    @TempDir
    Path data;

    Broker start() throws Exception {
        BrokerConfig config = BrokerConfigLoader.load(Optional.empty(), Map.of("data.dir", data.toString(),
                "https.bind", "127.0.0.1", "https.port", "0", "mqtt.bind", "127.0.0.1", "mqtt.port", "0", "metrics.port", "0"));
        return HiveMqNettyStop.apply(Broker.start(config, Clock.systemUTC(), Map.of()));
    }

    static int me(Broker broker, String token) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TrustStores.trusting(broker.pki().caCertificate())).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + broker.httpsPort()
                + "/api/v1/me")).header("Authorization", "Bearer " + token).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * A broker that stops says so: its open vitals and signaling sockets get 1001 ("going away", protocol/README.md:
     * the pages reconnect), not the protocol handler's default "1000 Bye", which reads as a normal end.
     */
    @Test
    void aStoppingBrokerClosesItsWebSocketsWith1001() throws Exception {
        java.util.List<CompletableFuture<Integer>> codes = new java.util.ArrayList<>();
        try (Broker broker = start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(TrustStores.trusting(broker.pki().caCertificate())).build();
            for (String path : new String[] {"/ws/viewer", "/ws/signal"}) {
                CompletableFuture<Integer> code = new CompletableFuture<>();
                http.newWebSocketBuilder().header("Origin", "https://localhost:" + broker.httpsPort())
                        .buildAsync(URI.create("wss://localhost:" + broker.httpsPort() + path),
                                new WebSocket.Listener() {
                                    @Override
                                    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                                        code.complete(status);
                                        return null;
                                    }

                                    @Override
                                    public void onError(WebSocket socket, Throwable error) {
                                        code.completeExceptionally(error);
                                    }
                                })
                        .get(30, TimeUnit.SECONDS);
                codes.add(code);
            }
        }
        for (CompletableFuture<Integer> code : codes) {
            assertEquals(1001, code.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aSessionAnUnusedCodeAndAPatientsSeatSurviveABrokerRestart() throws Exception {
        String token;
        IssuedCode unused;
        Joined patient;
        try (Broker first = start()) {
            AccessServices access = first.access();
            Account admin = ((AccountCreation.Created) access.accounts().createFirstAdmin(LoginName.of("admin"),
                    DisplayName.of("Admin"), Password.of("admin password 1"))).account();
            Account doctor = ((AccountCreation.Created) access.accounts().createAccount(admin,
                    LoginName.of("dr.weber"), DisplayName.of("Dr. Weber"), Role.DOCTOR,
                    Password.of("weber password 1"))).account();
            token = ((LoginResult.LoggedIn) access.logins().login(LoginName.of("dr.weber"),
                    Password.of("weber password 1"), KIOSK)).token().value();
            Caller.Staff asDoctor = new Caller.Staff(doctor);
            Consultation consultation = done(access.consultations().create(asDoctor,
                    new ConsultationTarget.Patient(Optional.empty()), Optional.empty()));
            unused = done(access.codes().issue(asDoctor, consultation.id()));
            IssuedCode used = done(access.codes().issue(asDoctor, consultation.id()));
            patient = done(access.codes().redeem(used.code().formatted(), KIOSK, Optional.empty()));
            assertEquals(200, me(first, token));
        }

        try (Broker second = start()) {
            assertEquals(200, me(second, token), "the doctor's session survives");
            assertInstanceOf(Outcome.Done.class, second.access().codes().redeem(unused.code().formatted(), KIOSK,
                    Optional.empty()), "the code still matches: its key is kept in the data directory");
            Resumed resumed = done(second.access().reconnects().resume(patient.resumeToken(), 0));
            assertEquals(patient.participant(), resumed.seat().participant(), "the patient keeps their seat");
        }
    }
}
