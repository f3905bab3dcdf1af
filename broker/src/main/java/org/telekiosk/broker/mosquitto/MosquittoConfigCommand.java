package org.telekiosk.broker.mosquitto;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.ServerOptions;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.RegistryCa;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.kiosk.Revocations;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code mosquitto-config}: writes mosquitto.conf, its ACL file, certificates and the CRL for an external Mosquitto. */
@Command(name = "mosquitto-config", mixinStandardHelpOptions = true,
        description = "Write a Mosquitto 2.0 configuration (mutual TLS with the Telekiosk CA, CRL, per-kiosk ACLs) "
                + "into --out, for a site that runs Mosquitto instead of the embedded MQTT broker. Needs the key "
                + "store password (" + KeystorePassword.ENV + " or the broker's pki/keystore.password).")
public final class MosquittoConfigCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ServerOptions options = new ServerOptions();

    @Option(names = "--out", required = true, description = "the directory to write into")
    Path out;

    @Option(names = "--listen-port", defaultValue = "8883", description = "Mosquitto's TLS port (default 8883)")
    int listenPort;

    @Option(names = "--listen-address", defaultValue = "0.0.0.0", description = "address to bind (default 0.0.0.0)")
    String listenAddress;

    @Option(names = "--host-name", split = ",", description = "names kiosks use to reach Mosquitto (default: "
            + "https.host-names)")
    List<String> hostNames;

    @Option(names = "--user", defaultValue = "mosquitto", description = "the user Mosquitto runs as (default "
            + "mosquitto); it must be able to read --out")
    String user;

    @Option(names = "--crl-only", description = "only copy the current CRL into --out (after a revocation), then "
            + "restart Mosquitto")
    boolean crlOnly;

    @Override
    public Integer call() throws Exception {
        BrokerConfig config = options.load(Map.of());
        Path data = config.dataDir().toAbsolutePath();
        SecureRandom random = new SecureRandom();
        KeystorePassword password = KeystorePassword.fromEnvironment(System.getenv(),
                data.resolve("pki").resolve("keystore.password"), random);
        List<String> names = hostNames == null || hostNames.isEmpty() ? config.hostNames() : hostNames;
        // The certificates issued here name the broker's CRL as their distribution point, as the running broker's do
        // (https.public-url, or https://<first of https.host-names>:<https.port>).
        BrokerPki pki = BrokerPki.open(data.resolve("pki"), password, config.hostNames(), new Certificates(random)
                .withCrlDistributionPoint(config.kioskPki().crlUrl(config.hostNames().getFirst(), config.httpsPort())),
                Clock.systemUTC());
        // The CRL from the registry as it is now (a running broker keeps pki/crl.pem current as well).
        StoreDatabase database = StoreDatabase.configured(config.storeUrl(), config.storeUser(),
                config.defaultStoreFile(), System.getenv());
        database.migrate();
        SqlAccess sql = new SqlAccess(database);
        RegistryCa.bind(sql, pki.caCertificate(), pki.issuing().certificate());
        new Revocations(
                KioskRegistry.open(sql, data.resolve("kiosks"), Clock.systemUTC().instant()), pki.issuing(),
                pki.crlFile(), Clock.systemUTC(), kiosk -> { }).publish();
        if (crlOnly) {
            MosquittoConfig.copyCrl(pki, out.toAbsolutePath());
            System.out.println("Copied the current CRL to " + out.toAbsolutePath().resolve("crl.pem")
                    + "; restart Mosquitto to apply it.");
            return ExitCodes.OK;
        }
        Path conf = MosquittoConfig.write(pki, out, new MosquittoConfig.Listener(names, listenAddress, listenPort, user,
                org.telekiosk.broker.mqtt.MqttPacketLimit.forPayload(config.mqttMaxPayloadBytes())),
                Clock.systemUTC().instant());
        System.out.println("Wrote " + conf + " with its ACL file, certificates and CRL. Start Mosquitto with: "
                + "mosquitto -c " + conf);
        return ExitCodes.OK;
    }
}
