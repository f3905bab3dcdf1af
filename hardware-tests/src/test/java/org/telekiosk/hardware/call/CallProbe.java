package org.telekiosk.hardware.call;

import java.util.List;
import java.util.Map;
import org.telekiosk.broker.browser.Chromium;

/**
 * Reads one page's call ({@code window.telekiosk.call.pc}) through {@code getStats()} (W3C webrtc-stats): a first
 * decoded frame time stamped in the page by a 50 ms poller ({@link #watchFirstFrame}), and cumulative counters
 * ({@link #snapshot}) whose differences over a window give the figures. Times are {@code Date.now()} of the page;
 * both browsers run on this machine, so their clocks agree.
 */
final class CallProbe {
    private static final String WATCH = """
            if (!window.__firstFrame) {
              window.__firstFrameTimer = setInterval(async () => {
                const pc = window.telekiosk?.call?.pc;
                if (!pc || window.__firstFrame) return;
                (await pc.getStats()).forEach((r) => {
                  if (r.type === 'inbound-rtp' && r.kind === 'video' && r.framesDecoded > 0 && !window.__firstFrame)
                    window.__firstFrame = Date.now();
                });
              }, 50);
            }
            """;

    private static final String SNAPSHOT = """
            const pc = window.telekiosk?.call?.pc;
            if (!pc) { done(null); return; }
            pc.getStats().then((stats) => {
              const o = {t: Date.now(), aConcealed: 0, aTotal: 0, aJitter: 0, lost: 0, received: 0, vFrames: 0,
                  inBytes: 0, outBytes: 0, rtt: -1};
              stats.forEach((r) => {
                if (r.type === 'inbound-rtp') {
                  o.inBytes += r.bytesReceived || 0; o.lost += Math.max(0, r.packetsLost || 0);
                  o.received += r.packetsReceived || 0;
                  if (r.kind === 'audio') { o.aConcealed = r.concealedSamples || 0;
                      o.aTotal = r.totalSamplesReceived || 0; o.aJitter = r.jitter || 0; }
                  if (r.kind === 'video') o.vFrames = r.framesDecoded || 0;
                }
                if (r.type === 'outbound-rtp') o.outBytes += r.bytesSent || 0;
                if (r.type === 'transport' && r.selectedCandidatePairId) {
                  const p = stats.get(r.selectedCandidatePairId);
                  if (p && p.currentRoundTripTime !== undefined) o.rtt = p.currentRoundTripTime;
                }
              });
              done(o);
            }, () => done(null));
            """;

    /** Cumulative counters of a call at time {@code t} (ms since the epoch, the page's clock). */
    record Snapshot(long t, long audioConcealed, long audioTotal, double audioJitterSeconds, long lost, long received,
            long framesDecoded, long inBytes, long outBytes, double roundTripSeconds) {
        /** Concealed share of the audio samples received between {@code before} and this, in per cent. */
        double concealedPercentSince(Snapshot before) {
            long total = audioTotal - before.audioTotal;
            return total <= 0 ? 100 : 100.0 * (audioConcealed - before.audioConcealed) / total;
        }

        /** Packets lost of those expected between {@code before} and this, in per cent (both media). */
        double lossPercentSince(Snapshot before) {
            long lostNow = lost - before.lost;
            long expected = lostNow + received - before.received;
            return expected <= 0 ? 0 : 100.0 * lostNow / expected;
        }

        double inKbitPerSecondSince(Snapshot before) {
            return 8.0 * (inBytes - before.inBytes) / Math.max(1, t - before.t);
        }

        double outKbitPerSecondSince(Snapshot before) {
            return 8.0 * (outBytes - before.outBytes) / Math.max(1, t - before.t);
        }

        double framesPerSecondSince(Snapshot before) {
            return 1000.0 * (framesDecoded - before.framesDecoded) / Math.max(1, t - before.t);
        }
    }

    /** Records the doctor page's rung ({@code window.telekiosk.link.rung}) every 250 ms: [[time, rung], ...]. */
    private static final String WATCH_RUNGS = """
            window.__rungs = [[Date.now(), window.telekiosk.link.rung]];
            clearInterval(window.__rungTimer);
            window.__rungTimer = setInterval(() => {
              const rung = window.telekiosk.link.rung;
              if (rung !== window.__rungs[window.__rungs.length - 1][1]) window.__rungs.push([Date.now(), rung]);
            }, 250);
            """;

    /** The ladder's rungs over a window: ms on each, the changes and the shortest gap between two of them. */
    record Rungs(Map<String, Long> msOn, int changes, long windowMs, long minGapMs, String worst, long firstChangeMs,
            List<String> sequence) {
        double changesPerMinute() {
            return changes * 60_000.0 / Math.max(1, windowMs);
        }

        double sharePercent(String rung) {
            return 100.0 * msOn.getOrDefault(rung, 0L) / Math.max(1, windowMs);
        }
    }

    private CallProbe() {
    }

    /** Starts recording the doctor page's rung (from now on). */
    static void watchRungs(Chromium doctor) {
        doctor.script(WATCH_RUNGS);
    }

    /** What the doctor page's rung did since {@link #watchRungs}, up to now. */
    @SuppressWarnings("unchecked")
    static Rungs rungs(Chromium doctor) {
        List<List<Object>> raw = (List<List<Object>>) doctor.script("clearInterval(window.__rungTimer);"
                + " return window.__rungs.concat([[Date.now(), null]]);");
        Map<String, Long> on = new java.util.LinkedHashMap<>();
        List<String> order = List.of("video", "video-low", "audio", "text");
        long minGap = Long.MAX_VALUE;
        String worst = "video";
        List<String> sequence = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < raw.size(); i++) {
            String rung = (String) raw.get(i).get(1);
            long from = ((Number) raw.get(i).get(0)).longValue();
            long to = ((Number) raw.get(i + 1).get(0)).longValue();
            on.merge(rung, to - from, Long::sum);
            sequence.add(rung);
            if (order.indexOf(rung) > order.indexOf(worst)) {
                worst = rung;
            }
            if (i >= 2) {
                minGap = Math.min(minGap, from - ((Number) raw.get(i - 1).get(0)).longValue());
            }
        }
        long start = ((Number) raw.getFirst().get(0)).longValue();
        long end = ((Number) raw.getLast().get(0)).longValue();
        long firstChange = raw.size() > 2 ? ((Number) raw.get(1).get(0)).longValue() - start : -1;
        return new Rungs(on, raw.size() - 2, end - start, minGap == Long.MAX_VALUE ? -1 : minGap, worst, firstChange,
                sequence);
    }

    /** Starts stamping the first decoded video frame in the page (the call may not exist yet). */
    static void watchFirstFrame(Chromium browser) {
        browser.script(WATCH);
    }

    /** The page's time of its first decoded video frame, or 0 while there is none. */
    static long firstFrameAt(Chromium browser) {
        Object at = browser.script("return window.__firstFrame || 0");
        return ((Number) at).longValue();
    }

    /**
     * Stamps the set-up's phases in the page (its clock): the peer connection made, the remote description set (the
     * kiosk: the doctor's offer arrived), the first relay candidate gathered (and over what: udp, tcp or tls), ICE
     * checking, ICE connected, the connection (DTLS) connected. Polls every 10 ms for the call's peer connection,
     * then listens to its events; a phase already past when it is found is stamped then.
     */
    private static final String WATCH_SETUP = """
            if (!window.__setup) {
              const s = window.__setup = {};
              const stamp = (k) => { if (!s[k]) s[k] = Date.now(); };
              const look = (pc) => {
                if (pc.remoteDescription) stamp('remote');
                if (pc.iceConnectionState === 'checking') stamp('checking');
                if (['connected', 'completed'].includes(pc.iceConnectionState)) { stamp('checking'); stamp('ice'); }
                if (pc.connectionState === 'connected') stamp('dtls');
              };
              const timer = setInterval(() => {
                const pc = window.telekiosk?.call?.pc;
                if (!pc) return;
                clearInterval(timer);
                stamp('pc');
                look(pc);
                pc.addEventListener('signalingstatechange', () => look(pc));
                pc.addEventListener('iceconnectionstatechange', () => look(pc));
                pc.addEventListener('connectionstatechange', () => look(pc));
                pc.addEventListener('icecandidate', (e) => { if (e.candidate && e.candidate.type === 'relay'
                    && !s.candidate) { s.candidate = Date.now(); s.candidateOver = e.candidate.relayProtocol
                    || String(e.candidate.url || '').split('?')[0]; } });
              }, 10);
            }
            """;

    /** Starts stamping the set-up's phases in the page ({@link #setup}). */
    static void watchSetup(Chromium browser) {
        browser.script(WATCH_SETUP);
    }

    /** The page's set-up stamps: pc, remote, candidate, candidateOver, checking, ice, dtls (absent: not reached). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> setup(Chromium browser) {
        Object setup = browser.script("return window.__setup || {}");
        return (Map<String, Object>) setup;
    }

    /** The page's clock now. */
    static long now(Chromium browser) {
        return ((Number) browser.script("return Date.now()")).longValue();
    }

    /** The call's counters now, or null while there is no call. */
    @SuppressWarnings("unchecked")
    static Snapshot snapshot(Chromium browser) {
        Map<String, Object> o = (Map<String, Object>) browser.async(SNAPSHOT);
        if (o == null) {
            return null;
        }
        return new Snapshot(number(o, "t").longValue(), number(o, "aConcealed").longValue(),
                number(o, "aTotal").longValue(), number(o, "aJitter").doubleValue(), number(o, "lost").longValue(),
                number(o, "received").longValue(), number(o, "vFrames").longValue(), number(o, "inBytes").longValue(),
                number(o, "outBytes").longValue(), number(o, "rtt").doubleValue());
    }

    private static Number number(Map<String, Object> o, String key) {
        return (Number) o.get(key);
    }
}
