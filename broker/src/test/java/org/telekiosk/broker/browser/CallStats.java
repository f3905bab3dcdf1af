package org.telekiosk.broker.browser;

import java.util.List;
import java.util.Map;

/** Scripts that read a peer connection's {@code getStats()} (W3C webrtc-stats) in one async call. */
public final class CallStats {
    /**
     * The local candidate of the selected pair of the peer connection {@code %s}: {@code candidateType},
     * {@code relayProtocol}, {@code protocol}; {@code {}} while none is selected. Pass to {@link Chromium#async}.
     */
    public static final String SELECTED_LOCAL_CANDIDATE = """
            const pc = %s;
            if (!pc) { done({}); return; }
            pc.getStats().then((stats) => {
              let pair;
              stats.forEach((r) => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
              const local = pair && stats.get(pair.localCandidateId);
              done(local ? {candidateType: local.candidateType, relayProtocol: local.relayProtocol || '',
                  protocol: local.protocol} : {});
            }, () => done({}));
            """;

    /** The {@code relayProtocol} of every relay candidate the page's call gathered (udp, tcp, tls). */
    private static final String RELAY_PROTOCOLS = """
            const pc = window.telekiosk?.call?.pc;
            if (!pc) { done([]); return; }
            pc.getStats().then((stats) => {
              const protocols = [];
              stats.forEach((r) => { if (r.type === 'local-candidate' && r.candidateType === 'relay') protocols.push(r.relayProtocol); });
              done(protocols);
            }, () => done([]));
            """;

    private CallStats() {
    }

    /** The selected local candidate of the page's call ({@code window.telekiosk.call.pc}). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> selectedLocalCandidateOfCall(Chromium browser) {
        return (Map<String, Object>) browser.async(SELECTED_LOCAL_CANDIDATE.formatted("window.telekiosk?.call?.pc"));
    }

    /** The {@code relayProtocol} of every local relay candidate of the page's call. */
    @SuppressWarnings("unchecked")
    public static List<String> relayCandidateProtocols(Chromium browser) {
        return (List<String>) browser.async(RELAY_PROTOCOLS);
    }
}
