package org.telekiosk.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.protocol.cli.ExitCodes;
import org.telekiosk.protocol.update.DebPackage;
import org.telekiosk.protocol.update.UpdateKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's tools for signed agent updates (docs/operations.md, "Agent updates"): make the Ed25519 key pair
 * that signs agent packages, and sign a package. Meant for the operator's own machine, not the broker: the broker
 * needs only the public key. Both write PEM that {@code openssl} reads, and the signature is what
 * {@code openssl pkeyutl -sign -rawin} makes, so either tool works.
 */
public final class UpdateSigningCommands {
    private UpdateSigningCommands() {}

    @Command(name = "update-key", mixinStandardHelpOptions = true,
            description = "Make the Ed25519 key pair that signs agent packages: <out>.key (PKCS#8 PEM, 0600: keep it "
                    + "off the broker) and <out>.pub (PEM, for agent-update.public-key-file).")
    static final class CreateKey implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "the files' path without extension, e.g. "
                + "~/telekiosk-update")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path key = Path.of(out + ".key");
            Path pub = Path.of(out + ".pub");
            if (Files.exists(key) || Files.exists(pub)) {
                System.err.println("Refused: " + key + " or " + pub + " exists; a signing key is never overwritten");
                return ExitCodes.INAPPLICABLE;
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            SecureFiles.writeSecret(key, ("-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            UpdateKey publicKey = UpdateKey.of(pair.getPublic());
            SecureFiles.writePublic(pub, publicKey.pem().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            System.out.println("Signing key (keep it safe, 0600): " + key);
            System.out.println("Public key " + publicKey.fingerprint() + ": " + pub);
            System.out.println("On the broker: agent-update.public-key-file=<where you copy " + pub.getFileName() + ">");
            return ExitCodes.OK;
        }
    }

    @Command(name = "sign-agent-update", mixinStandardHelpOptions = true,
            description = "Sign an agent package: writes <package>.sig (the 64-byte Ed25519 signature of the whole "
                    + "file) beside it. Copy both into the broker's agent-update.dir.")
    static final class Sign implements Callable<Integer> {
        @Option(names = "--key", required = true, description = "the signing key (PKCS#8 PEM) from update-key")
        Path key;

        @Parameters(index = "0", description = "the package, telekiosk-edge-agent_<version>_<arch>.deb")
        Path deb;

        @Override
        public Integer call() throws Exception {
            byte[] content = Files.readAllBytes(deb);
            DebPackage control;
            try {
                control = DebPackage.read(content);
            } catch (DebPackage.NotAPackage e) {
                System.err.println("Refused: " + deb + ": " + e.getMessage());
                return ExitCodes.INAPPLICABLE;
            }
            Path sig = Path.of(deb + ".sig");
            Files.write(sig, sign(privateKey(key), content));
            System.out.println("Signed " + control.name() + " " + control.version() + " (" + control.architecture()
                    + "): " + sig);
            return ExitCodes.OK;
        }
    }

    /** The Ed25519 signature of {@code content}. */
    public static byte[] sign(PrivateKey key, byte[] content) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(content);
        return signer.sign();
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(file + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", ""));
        return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
