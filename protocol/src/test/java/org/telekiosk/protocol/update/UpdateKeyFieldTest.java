package org.telekiosk.protocol.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentResponse;
import org.telekiosk.protocol.enrollment.UpdateKeyField;

class UpdateKeyFieldTest {
    private static final WireCodec JSON = WireCodec.json(64 * 1024);
    private static final EnrollmentResponse ANSWER = new EnrollmentResponse("wmk-lab-03", "chain", "ca",
            Instant.parse("2026-12-01T00:00:00Z"), "ssl://broker:8883", "https://broker:8443/api/v1/renew", 7);

    private static UpdateKey newKey() throws Exception {
        return UpdateKey.of(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
    }

    @Test
    void aNewAgentReadsTheKeyAndTheRestStrictly() throws Exception {
        UpdateKey key = newKey();
        String withKey = UpdateKeyField.add(JSON.encodeToString(ANSWER), key);

        UpdateKeyField.Split split = UpdateKeyField.split(withKey);

        assertEquals(Optional.of(key), split.key());
        assertEquals(ANSWER, JSON.decode(split.message(), EnrollmentResponse.class));
        assertEquals(key, UpdateKey.fromPem(key.pem()));
    }

    @Test
    void anOlderAgentRefusesTheFieldSoTheBrokerSendsItOnlyWhenAsked() throws Exception {
        String withKey = UpdateKeyField.add(JSON.encodeToString(ANSWER), newKey());

        MalformedMessageException refused = assertThrows(MalformedMessageException.class,
                () -> JSON.decode(withKey, EnrollmentResponse.class));
        assertTrue(refused.getMessage().contains("updateKey"), refused.getMessage());
        assertFalse(UpdateKeyField.asked(null));
        assertFalse(UpdateKeyField.asked("something-else"));
        assertTrue(UpdateKeyField.asked("other, update-key"));
    }

    @Test
    void anAnswerOfAnOlderBrokerHasNoKey() throws Exception {
        UpdateKeyField.Split split = UpdateKeyField.split(JSON.encodeToString(ANSWER));

        assertEquals(Optional.empty(), split.key());
        assertEquals(ANSWER, JSON.decode(split.message(), EnrollmentResponse.class));
    }

    @Test
    void aKeyThatIsNotEd25519IsRefused() throws Exception {
        String rsa = java.util.Base64.getEncoder().encodeToString(
                KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded());
        String answer = JSON.encodeToString(ANSWER).replaceFirst("\\}$", ",\"updateKey\":\"" + rsa + "\"}");

        MalformedMessageException refused = assertThrows(MalformedMessageException.class,
                () -> UpdateKeyField.split(answer));
        assertTrue(refused.getMessage().contains("Ed25519"), refused.getMessage());
    }

    @Test
    void aDuplicatedFieldIsStillRefused() {
        String answer = JSON.encodeToString(ANSWER).replaceFirst("\\}$", ",\"nextSeq\":8}");

        assertThrows(MalformedMessageException.class, () -> UpdateKeyField.split(answer));
    }
}
