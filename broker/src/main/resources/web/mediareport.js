// Telekiosk media report: tells the broker how this page's media flows (peer to peer or through TURN) and which
// DTLS certificates secure it, read from the page's own getStats() (W3C webrtc-stats), for the consultation's
// record. Only candidate types, the transport protocol and certificate fingerprints leave the page: no addresses,
// no media. The message is `media-report` in protocol/README.md; it is sent again only when something changed.

/** How often the selected pair is looked at while the call is connected, in milliseconds. */
const INTERVAL_MS = 2000;

/** The page's media path and fingerprints now, as a `media-report` message, or null while DTLS is not up. */
export async function mediaReport(pc) {
  const stats = await pc.getStats();
  let transport = null;
  stats.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId && r.dtlsState === 'connected') {
      transport = r;
    }
  });
  if (!transport) {
    return null;
  }
  const pair = stats.get(transport.selectedCandidatePairId);
  const local = pair && stats.get(pair.localCandidateId);
  const remote = pair && stats.get(pair.remoteCandidateId);
  const localCert = stats.get(transport.localCertificateId);
  const remoteCert = stats.get(transport.remoteCertificateId);
  if (!local || !remote || !localCert || !remoteCert) {
    return null;
  }
  const relayed = local.candidateType === 'relay' || remote.candidateType === 'relay';
  return {
    type: 'media-report',
    path: relayed ? 'relay' : 'direct',
    protocol: (local.candidateType === 'relay' && local.relayProtocol) || local.protocol,
    localCandidateType: local.candidateType,
    remoteCandidateType: remote.candidateType,
    localFingerprint: `${localCert.fingerprintAlgorithm} ${localCert.fingerprint}`,
    remoteFingerprint: `${remoteCert.fingerprintAlgorithm} ${remoteCert.fingerprint}`,
  };
}

/**
 * Reports {@code pc}'s media path through {@code send} whenever it changes, until the connection closes; a report
 * {@code send} could not deliver (it returns false: the socket was down) is tried again at the next look. Returns
 * what it did so far, for diagnostics: looks taken, reports sent, the last one, the last error.
 */
export function watchMediaPath(pc, send) {
  const watch = { looks: 0, sent: 0, last: '', error: '' };
  let timer = null;
  const look = async () => {
    if (pc.connectionState === 'closed') {
      clearInterval(timer);
      return;
    }
    watch.looks++;
    try {
      const report = await mediaReport(pc);
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
