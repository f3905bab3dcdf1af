// Synthetic link series through the page's own ladder.js (LadderBrowserTest runs this in one script call; `done` is
// the async script's callback). Every series is seeded, one sample a second, with the sample's own time: no timers.
const L = await import('/ladder.js');
const M = await import('/media-rung.js');

function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}
const rnd = random(7);
// Link states as the doctor's page sees them (sample noise included).
const good = () => ({ rttMs: 40 + rnd() * 10, loss: rnd() < 0.9 ? 0 : 0.005, outKbps: 1500 + rnd() * 500,
  freezes: 0, jitterMs: 40 + rnd() * 20, flowing: true });
// edge: 150 ms each way ±30 ms, 3 % loss each way, 256 kbit/s
const edge = () => ({ rttMs: 300 + (rnd() - 0.5) * 120, loss: Math.max(0, 0.03 + (rnd() - 0.5) * 0.03),
  outKbps: 180 + rnd() * 80, freezes: rnd() < 0.2 ? 1 : 0, jitterMs: 180 + rnd() * 60, flowing: true });
const cut = () => ({ rttMs: null, loss: null, outKbps: null, freezes: 0, jitterMs: null, flowing: false });
const thin = () => ({ rttMs: 40 + rnd() * 10, loss: 0, outKbps: 300 + rnd() * 50, freezes: 0, jitterMs: 50,
  flowing: true }); // good delay and no loss, but only about 300 kbit/s

/** Runs `phases` ([[seconds, generator], ...]) through a fresh ladder; returns the changes with their times. */
function run(phases, setup) {
  const ladder = new L.Ladder(0);
  setup?.(ladder);
  const changes = [];
  let t = 0;
  for (const [seconds, make] of phases) {
    for (let i = 0; i < seconds; i++) {
      t += 1000;
      const change = ladder.update(make(), t);
      if (change) changes.push({ t, rung: change.rung, reason: change.reason });
    }
  }
  return { changes, rung: ladder.rung, ladder };
}

function minGap(changes) {
  let gap = Infinity;
  for (let i = 1; i < changes.length; i++) gap = Math.min(gap, changes[i].t - changes[i - 1].t);
  return gap;
}

const results = {};

results.steadyGood = run([[300, good]]).changes.length;

const down = run([[20, good], [40, edge]]);
results.edgeRung = down.rung;
results.edgeChanges = down.changes.map((c) => c.rung);
results.edgeStepDownAfterMs = down.changes.length ? down.changes[0].t - 20000 : -1;
results.edgeReason = down.changes.length ? down.changes[0].reason : '';

const recovery = run([[20, good], [30, edge], [60, good]]);
results.recoveryChanges = recovery.changes.map((c) => c.rung);
results.recoveryRung = recovery.rung;

const blackout = run([[20, good], [20, cut]]);
results.cutChanges = blackout.changes.map((c) => c.rung);
const climb = run([[20, good], [20, cut], [120, good]]);
results.climbChanges = climb.changes.map((c) => c.rung);
results.climbMinGapMs = minGap(climb.changes);
// the sample that spans the cut: its packets lost in the cut arrive with it
const spanning = () => ({ ...good(), loss: 0.6 });
const back = run([[20, good], [20, cut], [1, spanning], [60, good]]);
results.backChanges = back.changes.map((c) => c.rung);
results.backAfterMs = back.changes.length > 1 ? back.changes[1].t - 40000 : -1;
const edgeCut = run([[20, good], [30, edge], [20, cut], [60, edge]]);
results.edgeCutChanges = edgeCut.changes.map((c) => c.rung);
const worseAfter = run([[20, good], [20, cut], [60, edge]]);
results.worseAfterChanges = worseAfter.changes.map((c) => c.rung);
results.worseAfterMinGapMs = minGap(worseAfter.changes);
const shortCut = run([[20, good], [9, cut], [60, good]]); // down about 7 s in, media back 2 s later
results.shortCutChanges = shortCut.changes.map((c) => c.rung);
results.shortCutMinGapMs = minGap(shortCut.changes);

// flapping: good and edge alternating every 20-40 s (as link-profiles.properties), 20 minutes
const flapPhases = [];
for (let i = 0; i < 40; i++) flapPhases.push([20 + Math.floor(rnd() * 21), i % 2 === 0 ? good : edge]);
const flapping = run(flapPhases);
results.flappingChanges = flapping.changes.length;
results.flappingMinGapMs = minGap(flapping.changes);
// a harsher flap than any profile: edge and blackout every 8 s
const fast = [];
for (let i = 0; i < 150; i++) fast.push([8, i % 2 === 0 ? edge : cut]);
const fastFlapping = run(fast);
results.fastFlappingMinGapMs = minGap(fastFlapping.changes);
results.fastFlappingChanges = fastFlapping.changes.length;

// edge, then good: at the climb to video the available outgoing bitrate is still what the small video's cap left
// (about 230 kbit/s, as measured 11 s after a climb on a loaded machine) for 10 s, then ramps up to 1,500 kbit/s
// over 10 s: the climb holds
{
  const ladder = new L.Ladder(0);
  const changes = [];
  let t = 0;
  let climbedAt = null;
  const step = (sample) => { t += 1000; const c = ladder.update(sample, t); if (c) changes.push(c.rung); };
  for (let i = 0; i < 20; i++) step(good());
  for (let i = 0; i < 30; i++) step(edge());
  for (let i = 0; i < 120; i++) {
    if (climbedAt === null && ladder.rung === 'video') climbedAt = t;
    const ramped = climbedAt === null ? 0 : Math.max(0, Math.min(1, (t - climbedAt - 10000) / 10000));
    step({ ...good(), outKbps: 230 + ramped * 1270 });
  }
  results.rampChanges = changes;
}

// a spell only audio would stay on, just before a cut, on video-low: one step into the cut (text), not two (audio,
// then text 10 s later), and back to video-low after it
const heavy = () => ({ rttMs: 1000, loss: 0.02, outKbps: 150, freezes: 0, jitterMs: 900, flowing: true });
const edgeThenCut = run([[20, good], [12, edge], [4, heavy], [20, cut], [30, good]]);
results.edgeThenCutChanges = edgeThenCut.changes.map((c) => c.rung);

// a call's first seconds: the estimate starts low on the new path (158 kbit/s seen 12 s into a call) and ramps up
results.startChanges = run([[12, () => ({ ...good(), outKbps: 158 })], [60, good]]).changes.map((c) => c.rung);

// a link that only carries small video: each failed climb doubles the wait before the next
const thinRun = run([[10, good], [400, thin]]);
const ups = thinRun.changes.filter((c) => c.rung === 'video').map((c) => c.t);
results.thinClimbGapsMs = ups.slice(1).map((t, i) => t - ups[i]);

// pinned: the ladder holds the doctor's rung whatever the link does, and decides again once unpinned
const pinned = new L.Ladder(0);
results.pinChange = pinned.pin('audio', 500)?.rung ?? null;
let moved = 0;
for (let t = 1000; t <= 60000; t += 1000) if (pinned.update(cut(), t)) moved++;
results.pinnedMoves = moved;
results.pinnedRung = pinned.rung;
pinned.pin(null, 60500);
let afterUnpin = null;
for (let t = 61000; t <= 120000 && !afterUnpin; t += 1000) afterUnpin = pinned.update(good(), t);
results.afterUnpin = afterUnpin?.rung ?? null;

// getStats() reports, as objects: loss from the deltas of what arrived, RTT from the selected pair
const report = (received, lost, rtt, fractionLost) => [
  { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
  { id: 'P', type: 'candidate-pair', currentRoundTripTime: rtt, availableOutgoingBitrate: 250000 },
  { id: 'A', type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost,
    jitterBufferDelay: received * 0.1, jitterBufferEmittedCount: received },
  { id: 'V', type: 'inbound-rtp', kind: 'video', packetsReceived: received * 2, packetsLost: 0, freezeCount: 1 },
  { id: 'R', type: 'remote-inbound-rtp', kind: 'video', fractionLost, roundTripTime: rtt * 0.9 },
];
const sample = L.sampleFromStats(report(100, 0, 0.1, 0), report(200, 6, 0.32, 0.01));
results.statsSample = { rttMs: Math.round(sample.rttMs), loss: Math.round(sample.loss * 10000) / 10000,
  outKbps: sample.outKbps, freezes: sample.freezes, jitterMs: Math.round(sample.jitterMs), flowing: sample.flowing };
results.statsCut = L.sampleFromStats(report(200, 6, 0.32, 0), report(200, 6, 0.32, 0)).flowing;

// Opus asked for in-band FEC and DTX, other codecs untouched
const sdp = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\n'
  + 'a=fmtp:111 minptime=10;useinbandfec=0\r\na=rtpmap:0 PCMU/8000\r\n';
results.munged = M.withOpusFecAndDtx(sdp);
results.mungedWithoutFmtp = M.withOpusFecAndDtx('v=0\r\na=rtpmap:109 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n');

done(JSON.stringify(results));
