// Telekiosk consultation record (KBV Anlage 31b): GET /api/v1/consultations/{id}/record (docs/api.md), shown for
// the consultation's doctor and printable. Received text goes into the page only via textContent.

import { showText } from '/signal.js';

const $ = (id) => document.getElementById(id);

const KINDS = {
  'doctor-joined': ['Ärztin/Arzt verbunden', 'doctor joined'],
  'doctor-left': ['Ärztin/Arzt getrennt', 'doctor left'],
  'patient-joined': ['Patient/in im Wartezimmer', 'patient joined the waiting room'],
  'patient-admitted': ['Patient/in eingelassen', 'patient admitted'],
  'patient-dropped': ['Verbindung der Patientin/des Patienten unterbrochen', 'patient\'s connection dropped'],
  'patient-resumed': ['Patient/in wieder verbunden', 'patient resumed'],
  'patient-left': ['Patient/in gegangen', 'patient left'],
  'patient-released': ['Platz freigegeben', 'seat released'],
  'patient-checked': ['Vorabprüfung am Gerät der Patientin/des Patienten', 'patient\'s pre-call check'],
  rung: ['Qualitätsstufe', 'quality rung'],
  ended: ['Sprechstunde beendet', 'consultation ended'],
};
const PARTIES = { doctor: ['Ärztin/Arzt', 'doctor'], patient: ['Patient/in', 'patient'], broker: ['System', 'system'] };
const PATHS = { direct: ['direkt (Peer-to-Peer)', 'direct (peer to peer)'], relay: ['über TURN-Relay', 'via TURN relay'] };
const CHECKS = {
  match: ['stimmen überein', 'match'],
  mismatch: ['stimmen NICHT überein', 'do NOT match'],
  unknown: ['nicht prüfbar', 'not comparable'],
  none: ['kein Medienbericht', 'no media report'],
};

let record = null;

function when(iso) {
  return new Date(iso).toLocaleString('de-DE', { dateStyle: 'short', timeStyle: 'medium' });
}

function cell(row, de, en, className) {
  const td = document.createElement('td');
  if (className) {
    td.className = className;
  }
  if (en === undefined) {
    td.textContent = de;
  } else {
    showText(td, de, `· ${en}`);
  }
  row.append(td);
  return td;
}

function pair(table, key, fallback) {
  return table[key] || [fallback, fallback];
}

function term(list, de, en, value) {
  const dt = document.createElement('dt');
  showText(dt, de, `· ${en}`);
  const dd = document.createElement('dd');
  if (Array.isArray(value)) {
    showText(dd, value[0], `· ${value[1]}`);
  } else {
    dd.textContent = value;
  }
  list.append(dt, dd);
}

function render(r) {
  const summary = $('summary');
  summary.replaceChildren();
  term(summary, 'Sprechstunde', 'Consultation', r.consultation);
  term(summary, 'Für', 'For', r.target === 'room' ? [`Kiosk-Raum ${r.kiosk}`, `kiosk room ${r.kiosk}`]
    : ['Patient/in', 'patient']);
  term(summary, 'Angelegt', 'Created', when(r.createdAt));
  term(summary, 'Beendet', 'Ended', r.ended
    ? [`${when(r.ended.at)} von ${pair(PARTIES, r.ended.by, r.ended.by)[0]} (${r.ended.reason})`,
      `${when(r.ended.at)} by ${pair(PARTIES, r.ended.by, r.ended.by)[1]} (${r.ended.reason})`]
    : ['noch nicht', 'not yet']);
  term(summary, 'Medienweg', 'Media path', r.paths.length === 0 ? ['keine Verbindung gemeldet', 'none reported']
    : [r.paths.map((p) => pair(PATHS, p, p)[0]).join(', '), r.paths.map((p) => pair(PATHS, p, p)[1]).join(', ')]);
  term(summary, 'Verschlüsselung', 'Encryption', [`Ende-zu-Ende (DTLS-SRTP), Fingerabdrücke ${
    pair(CHECKS, r.fingerprints, r.fingerprints)[0]}`, `end to end (DTLS-SRTP), fingerprints ${
    pair(CHECKS, r.fingerprints, r.fingerprints)[1]}`]);
  term(summary, 'Aufzeichnung', 'Recording', r.recording === 'none'
    ? ['keine – Bild und Ton wurden nicht aufgezeichnet', 'none – audio and video were not recorded']
    : [r.recording, r.recording]);
  term(summary, 'Qualitätsstufen', 'Quality rungs', r.rungs.length === 0 ? ['keine Änderung', 'no change']
    : [r.rungs.join(' → '), r.rungs.join(' → ')]);

  const events = $('events').tBodies[0];
  events.replaceChildren();
  for (const e of r.events) {
    const row = document.createElement('tr');
    row.dataset.kind = e.kind;
    const [de, en] = pair(KINDS, e.kind, e.kind);
    const [pde, pen] = pair(PARTIES, e.party, e.party);
    cell(row, when(e.at));
    cell(row, de, en);
    cell(row, pde, pen);
    cell(row, e.participant, undefined, 'fingerprint');
    cell(row, e.detail);
    events.append(row);
  }
  const media = $('media').tBodies[0];
  media.replaceChildren();
  for (const m of r.media) {
    const row = document.createElement('tr');
    row.dataset.path = m.path;
    row.dataset.fingerprints = m.fingerprints;
    const [pde, pen] = pair(PARTIES, m.party, m.party);
    const [wde, wen] = pair(PATHS, m.path, m.path);
    const [cde, cen] = pair(CHECKS, m.fingerprints, m.fingerprints);
    cell(row, when(m.at));
    cell(row, pde, pen);
    cell(row, `${wde}, ${m.protocol}`, `${wen}, ${m.protocol}`);
    cell(row, `${m.localCandidateType} / ${m.remoteCandidateType}`);
    cell(row, `${m.localFingerprint} / ${m.remoteFingerprint}`, undefined, 'fingerprint');
    cell(row, cde, cen);
    media.append(row);
  }
  $('record').classList.remove('hidden');
}

async function load() {
  const match = /consultation=([0-9a-f-]{36})/.exec(location.hash);
  if (!match) {
    showText($('error'), 'Keine Sprechstunde angegeben.', 'No consultation given.');
    return;
  }
  const response = await fetch(`/api/v1/consultations/${match[1]}/record`, { credentials: 'same-origin' });
  if (response.status === 401) {
    showText($('error'), 'Bitte zuerst in der Sprechstunde anmelden.', 'Please log in to the console first.');
    return;
  }
  if (!response.ok) {
    showText($('error'), `Protokoll nicht verfügbar (${response.status}).`, `Record not available (${response.status}).`);
    return;
  }
  record = await response.json();
  render(record);
  document.body.dataset.loaded = 'true';
}

$('print').addEventListener('click', () => window.print());
$('download').addEventListener('click', () => {
  if (!record) {
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' }));
  link.download = `consultation-${record.consultation}.record.json`;
  link.click();
  URL.revokeObjectURL(link.href);
});
window.addEventListener('hashchange', load);
load();
