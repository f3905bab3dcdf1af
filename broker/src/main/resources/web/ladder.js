// Telekiosk degradation ladder: which rung a call should be on, from a series of link samples. Pure: no DOM, no
// WebRTC, no timers; the caller passes each sample with its own time, so a test can feed a synthetic series in one
// script call. The thresholds and hold times are documented in docs/rural-links.md ("The degradation ladder").
//
//   video ──▶ video-low ──▶ audio ──▶ text        (down: as far as the link needs, after DOWN_HOLD_MS of it)
//   video ◀── video-low ◀── audio ◀── text        (up: one rung at a time, after the up hold of good samples)
//
// Never two changes within MIN_DWELL_MS (10 s): a flapping link changes the rung at most once per 10 s.
//
// An outage (no media at all: a cut) is not a measure of the link's quality: the ladder steps down for it as for any
// failing link (straight to text), but when media arrives again it goes back at once to the rung it left for the
// outage, judged afresh from then on (the samples that span the outage are dropped). A link that came back worse
// steps down again by the usual rules, and that counts as a failed climb.

export const RUNGS = ['video', 'video-low', 'audio', 'text'];

/**
 * What each rung needs of a sample to be kept (`stay`) and, stricter, to be climbed back to (`enter`). A sample is
 * {rttMs, loss (0..1), outKbps (available outgoing bitrate, or null when unknown), freezes (new freezes of the
 * received video since the last sample), jitterMs (jitter buffer delay of received audio, or null), flowing
 * (whether any media arrived since the last sample)}.
 */
export const THRESHOLDS = {
  video: {
    stay: { rttMs: 250, loss: 0.02, outKbps: 400, freezes: 1, jitterMs: 250 },
    enter: { rttMs: 180, loss: 0.01, outKbps: 0, freezes: 0, jitterMs: 250 },
  },
  'video-low': {
    stay: { rttMs: 700, loss: 0.10, outKbps: 120, freezes: 3, jitterMs: 500 },
    enter: { rttMs: 450, loss: 0.05, outKbps: 0, freezes: 99, jitterMs: 500 },
  },
  audio: {
    stay: { rttMs: 2000, loss: 0.30, outKbps: 0, freezes: 99, jitterMs: 1500 },
    enter: { rttMs: 1200, loss: 0.15, outKbps: 0, freezes: 99, jitterMs: 800 },
  },
};
/** The ladder judges the last WINDOW samples together: median RTT, bitrate and jitter, mean loss, summed freezes. */
export const WINDOW = 5;
export const DOWN_HOLD_MS = 4000;     // a rung's `stay` must fail this long before stepping down
export const UP_HOLD_MS = 10000;      // the next rung's `enter` must hold this long before stepping up
export const MAX_UP_HOLD_MS = 80000;  // the up hold doubles after each failed climb, up to this
export const MIN_DWELL_MS = 10000;    // never two changes closer than this
export const FAILED_CLIMB_MS = 30000; // a step down this soon after a step up makes the climb a failed one
/**
 * After a climb, the return after an outage, and at the call's start the rung's bitrate need waits this long: the
 * available outgoing bitrate was estimated under the lower rung's cap (or starts low on a new path) and needs time to
 * ramp up; RTT, loss,
 * freezes and jitter count at once. (Without it a climb to video read about 230 kbit/s 11 s later and fell back, on a
 * good link.) Shorter than FAILED_CLIMB_MS, so a link that cannot carry the rung still makes a failed climb.
 */
export const BITRATE_RAMP_MS = 20000;

function meets(sample, need) {
  if (!sample.flowing) return false;
  if (sample.rttMs != null && sample.rttMs > need.rttMs) return false;
  if (sample.loss != null && sample.loss > need.loss) return false;
  if (need.outKbps > 0 && sample.outKbps != null && sample.outKbps < need.outKbps) return false;
  if (sample.freezes != null && sample.freezes > need.freezes) return false;
  if (sample.jitterMs != null && sample.jitterMs > need.jitterMs) return false;
  return true;
}

/**
 * The best rung whose `stay` (or `enter`) needs this sample meets; 'text' if none. With `rampingRung`, that rung's
 * bitrate need is waived (it was just climbed to: BITRATE_RAMP_MS).
 */
export function supported(sample, kind = 'stay', rampingRung = null) {
  for (const rung of RUNGS.slice(0, 3)) {
    const need = THRESHOLDS[rung][kind];
    if (meets(sample, rung === rampingRung ? { ...need, outKbps: 0 } : need)) return rung;
  }
  return 'text';
}

export function describe(sample) {
  const parts = [];
  if (sample.rttMs != null) parts.push(`rtt ${Math.round(sample.rttMs)} ms`);
  if (sample.loss != null) parts.push(`loss ${(sample.loss * 100).toFixed(1)} %`);
  if (sample.outKbps != null) parts.push(`out ${Math.round(sample.outKbps)} kbit/s`);
  if (sample.freezes) parts.push(`${sample.freezes} freezes`);
  if (sample.jitterMs != null) parts.push(`jitter buffer ${Math.round(sample.jitterMs)} ms`);
  if (!sample.flowing) parts.push('no media');
  return parts.join(', ');
}

const index = (rung) => RUNGS.indexOf(rung);

function median(values) {
  const known = values.filter((v) => v != null).sort((a, b) => a - b);
  return known.length ? known[Math.floor(known.length / 2)] : null;
}

/** The window's samples as one: medians of RTT, bitrate and jitter, mean loss, summed freezes; media flowing if it
 * did in any of the last three samples (one empty second is not a cut). */
export function windowed(samples) {
  const losses = samples.map((s) => s.loss).filter((v) => v != null);
  return {
    rttMs: median(samples.map((s) => s.rttMs)),
    loss: losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : null,
    outKbps: median(samples.map((s) => s.outKbps)),
    freezes: samples.reduce((a, s) => a + (s.freezes || 0), 0),
    jitterMs: median(samples.map((s) => s.jitterMs)),
    flowing: samples.slice(-3).some((s) => s.flowing),
  };
}

export class Ladder {
  constructor(startMs = 0, rung = 'video') {
    this.rung = rung;
    this.pinned = null;
    this.changedAt = startMs;
    this.lastUpAt = -Infinity;
    this.upHoldMs = UP_HOLD_MS;
    this.downSince = null; // since when the current rung's `stay` fails
    this.downTo = rung;    // the worst rung the failing samples supported meanwhile
    this.upSince = null;   // since when the next rung's `enter` holds
    this.window = [];
    this.last = null;      // the last judged (windowed) sample, for display
    this.resumeTo = null;  // the rung left for an outage, to go back to when media arrives again
    this.rampFrom = startMs; // the bitrate need of the current rung is waived until BITRATE_RAMP_MS after this
  }

  /** The call is connected (the first time): it is judged from now on, the bitrate estimate ramps up from now. */
  connected(atMs) {
    this.changedAt = atMs;
    this.rampFrom = atMs;
  }

  /** Pins `rung` (the doctor's choice) or, with null, lets the ladder decide again. Returns the change, if any. */
  pin(rung, atMs) {
    this.pinned = rung;
    this.resumeTo = null;
    const target = rung ?? this.rung;
    this.downSince = null;
    this.upSince = null;
    if (target === this.rung) return null;
    return this.move(target, atMs, rung ? 'pinned by the doctor' : 'unpinned');
  }

  /**
   * Takes one sample at `atMs` and returns {rung, reason} when the rung changes, else null.
   */
  update(raw, atMs) {
    if (this.resumeTo !== null && raw.flowing && !this.pinned) {
      // Media again after an outage: this sample spans the outage (the packets lost in it), so it and the outage's
      // samples are left out, and the call goes back to where it was once the dwell allows.
      this.window = [];
      if (atMs - this.changedAt < MIN_DWELL_MS) return null;
      const rung = this.resumeTo;
      this.resumeTo = null;
      this.lastUpAt = atMs;
      this.rampFrom = atMs;
      return this.move(rung, atMs, 'media back after an outage');
    }
    this.window.push(raw);
    if (this.window.length > WINDOW) this.window.shift();
    const sample = windowed(this.window);
    this.last = sample;
    if (this.pinned) return null;
    const current = index(this.rung);
    const stay = index(supported(sample, 'stay', atMs - this.rampFrom < BITRATE_RAMP_MS ? this.rung : null));
    if (stay > current) {
      this.upSince = null;
      // Down to the best rung any sample of the failing spell supported: no further than the link needs; but no
      // media at all (an outage) is text at once, whatever the spell's earlier samples (from before it) supported:
      // one step into an outage, so the way back is not delayed by the dwell after a second one.
      this.downTo = !sample.flowing ? 'text'
        : this.downSince === null ? RUNGS[stay] : RUNGS[Math.min(index(this.downTo), stay)];
      if (this.downSince === null) this.downSince = atMs;
      if (atMs - this.downSince >= DOWN_HOLD_MS && atMs - this.changedAt >= MIN_DWELL_MS) {
        if (atMs - this.lastUpAt < FAILED_CLIMB_MS) {
          this.upHoldMs = Math.min(this.upHoldMs * 2, MAX_UP_HOLD_MS);
        }
        const from = this.rung;
        const change = this.move(this.downTo, atMs, describe(sample));
        if (!sample.flowing) this.resumeTo ??= from;
        return change;
      }
      return null;
    }
    this.downSince = null;
    if (current === 0) {
      if (atMs - this.changedAt >= MAX_UP_HOLD_MS) this.upHoldMs = UP_HOLD_MS; // a long good spell forgives
      return null;
    }
    const enter = index(supported(sample, 'enter'));
    if (enter >= current) {
      this.upSince = null;
      return null;
    }
    if (this.upSince === null) this.upSince = atMs;
    if (atMs - this.upSince >= this.upHoldMs && atMs - this.changedAt >= MIN_DWELL_MS) {
      this.lastUpAt = atMs;
      this.rampFrom = atMs;
      return this.move(RUNGS[current - 1], atMs, describe(sample));
    }
    return null;
  }

  move(rung, atMs, reason) {
    this.rung = rung;
    this.changedAt = atMs;
    this.downSince = null;
    this.upSince = null;
    this.downTo = rung;
    return { rung, reason };
  }
}

/**
 * One ladder sample from two getStats() reports (`previous` may be null), each a Map or an array of the report's
 * stats objects, `elapsedMs` apart. Reads the selected candidate pair (RTT, available outgoing bitrate), what this
 * side received (packets lost against received, freezes, the audio jitter buffer) and what the other side reported
 * receiving from this side (remote-inbound-rtp: fraction lost, RTT).
 */
export function sampleFromStats(previous, current) {
  const now = summarise(current);
  const before = previous ? summarise(previous) : null;
  const received = before ? now.packetsReceived - before.packetsReceived : now.packetsReceived;
  const lost = before ? Math.max(0, now.packetsLost - before.packetsLost) : now.packetsLost;
  const inLoss = received + lost > 0 ? lost / (received + lost) : null;
  const losses = [inLoss, now.remoteFractionLost].filter((x) => x != null);
  const jbDelay = before ? now.jitterBufferDelay - before.jitterBufferDelay : now.jitterBufferDelay;
  const jbCount = before ? now.jitterBufferEmitted - before.jitterBufferEmitted : now.jitterBufferEmitted;
  return {
    rttMs: now.rttMs,
    loss: losses.length ? Math.max(...losses) : null,
    outKbps: now.outBps == null ? null : now.outBps / 1000,
    freezes: before ? Math.max(0, now.freezes - before.freezes) : 0,
    jitterMs: jbCount > 0 ? (jbDelay / jbCount) * 1000 : null,
    flowing: received > 0,
  };
}

function summarise(report) {
  // An RTCStatsReport is map-like (not a Map): its values are the stats objects.
  const list = Array.isArray(report) ? report : [...report.values()];
  const byId = new Map(list.map((r) => [r.id, r]));
  const s = { rttMs: null, outBps: null, packetsReceived: 0, packetsLost: 0, freezes: 0, jitterBufferDelay: 0,
    jitterBufferEmitted: 0, remoteFractionLost: null };
  let pair = list.find((r) => r.type === 'transport' && r.selectedCandidatePairId);
  pair = pair ? byId.get(pair.selectedCandidatePairId) : list.find((r) => r.type === 'candidate-pair' && r.nominated
    && r.state === 'succeeded');
  const rtts = [];
  if (pair) {
    if (pair.currentRoundTripTime != null) rtts.push(pair.currentRoundTripTime * 1000);
    if (pair.availableOutgoingBitrate != null) s.outBps = pair.availableOutgoingBitrate;
  }
  for (const r of list) {
    if (r.type === 'inbound-rtp') {
      s.packetsReceived += r.packetsReceived || 0;
      s.packetsLost += Math.max(0, r.packetsLost || 0);
      if (r.kind === 'video') s.freezes += r.freezeCount || 0;
      if (r.kind === 'audio') {
        s.jitterBufferDelay += r.jitterBufferDelay || 0;
        s.jitterBufferEmitted += r.jitterBufferEmittedCount || 0;
      }
    } else if (r.type === 'remote-inbound-rtp') {
      if (r.fractionLost != null) s.remoteFractionLost = Math.max(s.remoteFractionLost ?? 0, r.fractionLost);
      if (r.roundTripTime != null) rtts.push(r.roundTripTime * 1000);
    }
  }
  s.rttMs = rtts.length ? Math.max(...rtts) : null;
  return s;
}
