// Telekiosk: what a rung of the degradation ladder (ladder.js) means for the media of one RTCPeerConnection. Each
// side applies the same rung to its own senders, so "video stopped both ways" needs no renegotiation: a sender made
// inactive sends nothing. Constraints go through RTCRtpSender.setParameters (W3C WebRTC §5.2).

/** video-low: at most this many bits per second, this picture height and frame rate; resolution kept over rate. */
export const VIDEO_LOW = { maxBitrate: 150000, maxHeight: 180, maxFramerate: 15 };
/** audio and text: Opus at this bitrate (with in-band FEC and DTX from the SDP, see withOpusFecAndDtx). */
export const AUDIO_LOW_BPS = 24000;

/** Applies `rung` to every sender of `pc` that has a track; senders not yet negotiated are left alone. */
export async function applyRung(pc, rung) {
  if (!pc) return;
  for (const sender of pc.getSenders()) {
    const track = sender.track;
    if (!track) continue;
    const params = sender.getParameters();
    if (!params.encodings || params.encodings.length === 0) continue;
    const encoding = params.encodings[0];
    if (track.kind === 'video') {
      encoding.active = rung === 'video' || rung === 'video-low';
      const low = rung === 'video-low';
      const height = track.getSettings().height || 480;
      encoding.scaleResolutionDownBy = low ? Math.max(1, height / VIDEO_LOW.maxHeight) : 1;
      setOrClear(encoding, 'maxBitrate', low ? VIDEO_LOW.maxBitrate : null);
      setOrClear(encoding, 'maxFramerate', low ? VIDEO_LOW.maxFramerate : null);
      params.degradationPreference = low ? 'maintain-resolution' : 'balanced';
    } else {
      setOrClear(encoding, 'maxBitrate', rung === 'audio' || rung === 'text' ? AUDIO_LOW_BPS : null);
    }
    try {
      await sender.setParameters(params);
    } catch (e) {
      // A browser without degradationPreference in setParameters: the encoding's limits still apply.
      delete params.degradationPreference;
      await sender.setParameters(params).catch((e2) => console.warn('setParameters failed', e2.name));
    }
  }
}

function setOrClear(encoding, key, value) {
  if (value === null) {
    delete encoding[key];
  } else {
    encoding[key] = value;
  }
}

/**
 * The SDP with Opus asked to use in-band FEC (RFC 7587 §6.1 useinbandfec) and DTX (usedtx): applied to the remote
 * description, it configures this side's Opus encoder, so each side sends redundancy for lost packets and nothing
 * during silence. Other codecs and lines are left as they are.
 */
export function withOpusFecAndDtx(sdp) {
  const opus = [...sdp.matchAll(/^a=rtpmap:(\d+) opus\/48000/gim)].map((m) => m[1]);
  let result = sdp;
  for (const pt of opus) {
    const fmtp = new RegExp(`^a=fmtp:${pt} (.*)$`, 'm');
    const found = fmtp.exec(result);
    if (found) {
      const params = found[1].split(';').map((p) => p.trim()).filter((p) => p
        && !/^(useinbandfec|usedtx)=/i.test(p));
      params.push('useinbandfec=1', 'usedtx=1');
      result = result.replace(fmtp, `a=fmtp:${pt} ${params.join(';')}`);
    } else {
      result = result.replace(new RegExp(`^(a=rtpmap:${pt} opus/48000[^\\r\\n]*)(\\r?\\n)`, 'mi'),
        `$1$2a=fmtp:${pt} useinbandfec=1;usedtx=1$2`);
    }
  }
  return result;
}
