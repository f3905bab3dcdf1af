package org.telekiosk.protocol.signaling;

import java.util.List;

/**
 * One entry of {@code RTCConfiguration.iceServers} (W3C WebRTC §4.2.1): STUN or TURN URLs (RFC 7064, RFC 7065) and,
 * for TURN, the short-lived user name and password the broker issued (empty for STUN).
 */
public record IceServer(List<String> urls, String username, String credential) {
    public IceServer {
        urls = List.copyOf(urls);
        if (urls.isEmpty() || urls.size() > 8) {
            throw new IllegalArgumentException("urls must hold 1..8 URLs");
        }
        for (String url : urls) {
            if (!url.matches("(stun|stuns|turn|turns):[A-Za-z0-9.\\[\\]:_-]{1,255}(\\?transport=(udp|tcp))?")) {
                throw new IllegalArgumentException("not a STUN or TURN URL: " + (url.length() > 60
                        ? url.substring(0, 60) : url).replaceAll("\\p{Cntrl}", "?"));
            }
        }
        Fields.text("username", username, 0, 256, false);
        Fields.text("credential", credential, 0, 256, false);
    }

    @Override
    public String toString() {
        return "IceServer[urls=" + urls + ", username=" + username + ", credential=(redacted)]";
    }
}
