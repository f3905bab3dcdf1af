package org.telekiosk.broker.browser;

import java.util.List;
import java.util.Map;
import org.telekiosk.protocol.signaling.IceServer;

/**
 * Two peer connections in one page, relay candidates only ({@code iceTransportPolicy: 'relay'}), with the given ICE
 * servers: a camera track from {@code a} to {@code b}. The state is in {@code window.probe}: {@code gathered},
 * {@code relayCandidates} (of {@code a}), {@code framesDecoded} (at {@code b}, after {@link #poll}).
 */
final class RelayProbe {
    private RelayProbe() {
    }

    /** Starts a probe in {@code browser} (any page of a secure origin), replacing one that ran before. */
    static void start(Chromium browser, List<IceServer> servers) {
        StringBuilder list = new StringBuilder("[");
        for (IceServer server : servers) {
            list.append(list.length() > 1 ? "," : "").append("{urls:[");
            for (int i = 0; i < server.urls().size(); i++) {
                list.append(i > 0 ? "," : "").append('\'').append(server.urls().get(i)).append('\'');
            }
            list.append("],username:'").append(server.username()).append("',credential:'")
                    .append(server.credential()).append("'}");
        }
        list.append(']');
        browser.async("""
                window.probe?.a?.close(); window.probe?.b?.close();
                const config = {iceServers: %s, iceTransportPolicy: 'relay'};
                const probe = {gathered: false, relayCandidates: 0, framesDecoded: 0};
                window.probe = probe;
                const a = new RTCPeerConnection(config), b = new RTCPeerConnection(config);
                probe.a = a; probe.b = b;
                a.onicecandidate = (e) => {
                  if (!e.candidate) { probe.gathered = true; return; }
                  if (e.candidate.type === 'relay') probe.relayCandidates++;
                  b.addIceCandidate(e.candidate).catch(() => {});
                };
                b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate).catch(() => {}); };
                probe.poll = async () => {
                  (await b.getStats()).forEach((r) => {
                    if (r.type === 'inbound-rtp' && r.kind === 'video') probe.framesDecoded = r.framesDecoded || 0;
                  });
                };
                navigator.mediaDevices.getUserMedia({video: true}).then(async (stream) => {
                  stream.getTracks().forEach((t) => a.addTrack(t, stream));
                  await a.setLocalDescription(await a.createOffer());
                  await b.setRemoteDescription(a.localDescription);
                  await b.setLocalDescription(await b.createAnswer());
                  await a.setRemoteDescription(b.localDescription);
                  done(true);
                }, (e) => done('getUserMedia failed: ' + e));
                """.formatted(list));
    }

    /** Frames decoded at {@code b} so far (reads the stats first). */
    static long framesDecoded(Chromium browser) {
        browser.async("window.probe.poll().then(done)");
        return ((Number) browser.script("return window.probe.framesDecoded")).longValue();
    }

    /**
     * The local candidate of {@code a}'s selected pair: {@code candidateType} and {@code relayProtocol} (how the
     * browser reaches the TURN server: udp, tcp or tls), or an empty map while none is selected.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> selectedLocalCandidate(Chromium browser) {
        return (Map<String, Object>) browser.async(CallStats.SELECTED_LOCAL_CANDIDATE.formatted("window.probe.a"));
    }
}
