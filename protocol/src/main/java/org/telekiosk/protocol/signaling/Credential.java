package org.telekiosk.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How a {@link SignalRequest.Hello} proves who is connecting, told apart by {@code kind}. Staff (doctors) use their
 * login session, either the {@code tk_session} cookie sent with the WebSocket handshake or the token itself; patients
 * use a one-time join code the first time and the resume token from their {@link SignalEvent.Welcome} after a dropped
 * connection. A kiosk's own page uses its kiosk page session, the {@code tk_session} cookie of the handshake, to be
 * called into its kiosk's open room consultation without a code. Tokens and codes are secrets: they are never logged
 * and never echoed back.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Credential.Cookie.class, name = "cookie"),
    @JsonSubTypes.Type(value = Credential.Session.class, name = "session"),
    @JsonSubTypes.Type(value = Credential.Code.class, name = "code"),
    @JsonSubTypes.Type(value = Credential.Resume.class, name = "resume"),
    @JsonSubTypes.Type(value = Credential.KioskCookie.class, name = "kiosk"),
})
public sealed interface Credential {

    /** The login session in the {@code tk_session} cookie of the handshake, for the doctor of {@code consultation}. */
    record Cookie(String consultation) implements Credential {
        public Cookie {
            Fields.id("consultation", consultation);
        }
    }

    /** A login session token (as from {@code POST /api/v1/session}), for the doctor of {@code consultation}. */
    record Session(String token, String consultation) implements Credential {
        public Session {
            Fields.token("token", token);
            Fields.id("consultation", consultation);
        }

        @Override
        public String toString() {
            return "Session[token=(redacted), consultation=" + consultation + "]";
        }
    }

    /**
     * A patient's one-time join code as typed (case and dashes do not matter) and the name to show the doctor;
     * an empty {@code name} keeps the name the doctor gave the consultation.
     */
    record Code(String code, String name) implements Credential {
        public Code {
            Fields.text("code", code, 1, 64, false);
            Fields.text("name", name, 0, 100, false);
            if (!name.equals(name.strip())) {
                throw new IllegalArgumentException("name must not have surrounding spaces");
            }
        }

        @Override
        public String toString() {
            return "Code[code=(redacted), name=" + name + "]";
        }
    }

    /**
     * A patient's resume token and the {@code seq} of the last numbered event they saw (0 for none): the broker
     * replays what came after it.
     */
    record Resume(String token, long lastSeen) implements Credential {
        public Resume {
            Fields.token("token", token);
            if (lastSeen < 0) {
                throw new IllegalArgumentException("lastSeen must not be negative");
            }
        }

        @Override
        public String toString() {
            return "Resume[token=(redacted), lastSeen=" + lastSeen + "]";
        }
    }

    /**
     * The kiosk page session in the {@code tk_session} cookie of the handshake (only a kiosk's own page has one):
     * seats the patient in front of that kiosk in its open room consultation, as waiting, without a code. An empty
     * {@code name} keeps the default name.
     */
    record KioskCookie(String name) implements Credential {
        public KioskCookie {
            Fields.text("name", name, 0, 100, false);
            if (!name.equals(name.strip())) {
                throw new IllegalArgumentException("name must not have surrounding spaces");
            }
        }
    }
}
