// Telekiosk media report: tells the broker how this page's media flows (peer to peer or through TURN) and which
// DTLS certificates secure it, read from the page's own getStats() (W3C webrtc-stats) and DTLS transport, for the consultation's
// record. Only candidate types, the transport protocol and certificate fingerprints leave the page: no addresses,
// no media. The message is `media-report` in protocol/README.md; it is sent again only when something changed.

/** How often the selected pair is looked at while the call is connected, in milliseconds. */
const INTERVAL_MS = 2000;

/** "sha-256 AB:CD:…" of a DER certificate, as an SDP a=fingerprint line writes it (RFC 8122). */
async function sha256Fingerprint(der) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  return `sha-256 ${[...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
}

/**
 * The page's media path and fingerprints now, as a `media-report` message, or null (with why in `why.reason`) while
 * there is no selected pair. The peer's fingerprint is the SHA-256 of the certificate the DTLS handshake presented
 * (RTCDtlsTransport.getRemoteCertificates()): Chromium caches certificate stats, and a getStats() made before the
 * handshake finished leaves the remote certificate out of them for good. This page's own is from the certificate
 * stats (present from the start).
 */
export async function mediaReport(pc, why = {}) {
  const stats = await pc.getStats();
  let transport = null;
  const certificates = [];
  stats.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) {
      transport = r;
    } else if (r.type === 'certificate') {
      certificates.push(r);
    }
  });
  const dtls = pc.getSenders().concat(pc.getReceivers()).map((x) => x.transport).find((t) => t) || null;
  if (!transport || !dtls || dtls.state !== 'connected') {
    why.reason = `transport ${transport ? 'selected' : 'none'}, dtls ${dtls ? dtls.state : 'none'}`;
    return null;
  }
  const pair = stats.get(transport.selectedCandidatePairId);
  const local = pair && stats.get(pair.localCandidateId);
  const remote = pair && stats.get(pair.remoteCandidateId);
  const remoteDer = dtls.getRemoteCertificates ? dtls.getRemoteCertificates() : [];
  const localCert = stats.get(transport.localCertificateId) || (certificates.length === 1 ? certificates[0] : null);
  if (!local || !remote || !localCert || remoteDer.length === 0) {
    why.reason = `pair ${!!pair}, candidates ${!!local}/${!!remote}, local certificate ${!!localCert}, `
      + `remote certificates ${remoteDer.length}`;
    return null;
  }
  why.reason = '';
  const relayed = local.candidateType === 'relay' || remote.candidateType === 'relay';
  return {
    type: 'media-report',
    path: relayed ? 'relay' : 'direct',
    protocol: (local.candidateType === 'relay' && local.relayProtocol) || local.protocol,
    localCandidateType: local.candidateType,
    remoteCandidateType: remote.candidateType,
    localFingerprint: `${localCert.fingerprintAlgorithm} ${localCert.fingerprint}`,
    remoteFingerprint: await sha256Fingerprint(remoteDer[0]),
  };
}

/**
 * Reports {@code pc}'s media path through {@code send} whenever it changes, until the connection closes; a report
 * {@code send} could not deliver (it returns false: the socket was down) is tried again at the next look. Returns
 * what it did so far, for diagnostics: looks taken, reports sent, the last one, the last error.
 */
export function watchMediaPath(pc, send) {
  const watch = { looks: 0, sent: 0, last: '', error: '', reason: '' };
  let timer = null;
  const look = async () => {
    if (pc.connectionState === 'closed') {
      clearInterval(timer);
      return;
    }
    watch.looks++;
    try {
      const report = await mediaReport(pc, watch);
      const text = report ? JSON.stringify(report) : '';
      if (report && text !== watch.last && send(report)) {
        watch.last = text;
        watch.sent++;
      }
    } catch (e) {
      // getStats on a closing connection: the next look (or none) decides.
      watch.error = String(e);
    }
  };
  timer = setInterval(look, INTERVAL_MS);
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') {
      look();
    } else if (pc.connectionState === 'closed') {
      clearInterval(timer);
    }
  });
  return watch;
}
