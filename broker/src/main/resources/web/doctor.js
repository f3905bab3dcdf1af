// Telekiosk doctor console: log in (POST /api/v1/session sets the tk_session cookie), pick or create a
// consultation, see the waiting room with each patient's readiness, admit one, and talk.
// Signaling as in protocol/README.md ("Signaling WebSocket"); received text goes into the page only via textContent.

import { Signal, showText } from '/signal.js';
import { Call, openCamera } from '/call.js';
import { Vitals } from '/vitals.js';
import { Commands } from '/commands.js';
import { LinkQuality, renderRung, renderQuality } from '/link-quality.js';
import { Chat } from '/chat.js';
import { api, mountLogin } from '/login.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
let signal = null;
let call = null;
let inCall = false;
let consultationId = null;
let link = null;
let chat = null;


function show(id) {
  for (const section of ['login', 'consultations', 'room']) {
    $(section).classList.toggle('hidden', section !== id);
  }
  // The call view fills the window (video, vitals and controls on one screen); the others are plain pages.
  document.body.classList.toggle('in-room', id === 'room');
  $('account').classList.toggle('hidden', id === 'login');
  $('to-list').classList.toggle('hidden', id !== 'room');
}

async function start() {
  const match = /consultation=([0-9a-f-]{36})/.exec(location.hash);
  if (match) {
    openConsultation(match[1]);
    return;
  }
  const me = await api('GET', '/api/v1/me');
  if (me.status === 401) {
    show('login');
    return;
  }
  if (me.ok) {
    showMe(await me.json());
  }
  await listConsultations();
}

function showMe(me) {
  const account = me.account || me;
  $('me').textContent = account.displayName || account.login || '';
}

mountLogin($('login'), async (session) => {
  if (session) {
    showMe(session);
  }
  const match = /consultation=([0-9a-f-]{36})/.exec(location.hash);
  if (match) {
    openConsultation(match[1]);
  } else {
    await listConsultations();
  }
});

const STATES = {
  scheduled: ['geplant', 'scheduled'],
  waiting: ['Patient/in wartet', 'patient waiting'],
  in_call: ['im Gespräch', 'in the call'],
  ended: ['beendet', 'ended'],
};
let rooms = [];

// The consultation list: for whom (a kiosk room by its label, or a patient by name), its state and its access window.
async function listConsultations() {
  const [response, roomReply] = await Promise.all([api('GET', '/api/v1/consultations'),
    api('GET', '/api/v1/rooms')]);
  if (response.status === 401) {
    show('login');
    return;
  }
  show('consultations');
  rooms = roomReply.ok ? (await roomReply.json()).rooms : [];
  renderRooms();
  const list = $('consultation-list');
  list.replaceChildren();
  if (!response.ok) {
    return;
  }
  const body = await response.json();
  const consultations = [...(body.consultations || body)]
    .sort((x, y) => (x.state === 'ended') - (y.state === 'ended') || y.createdAt.localeCompare(x.createdAt));
  for (const c of consultations) {
    list.append(consultationRow(c));
  }
}

function renderRooms() {
  const select = $('create-room');
  const chosen = select.value;
  select.replaceChildren();
  for (const room of rooms) {
    const option = document.createElement('option');
    option.value = room.kiosk;
    option.textContent = `${room.label} (${room.kiosk})${room.online ? '' : ' – offline'}`;
    select.append(option);
  }
  if (rooms.some((r) => r.kiosk === chosen)) {
    select.value = chosen;
  }
  $('no-rooms').classList.toggle('hidden', rooms.length > 0);
  $('target-room').disabled = rooms.length === 0;
  select.disabled = rooms.length === 0;
}

function targetText(c) {
  if (c.target === 'room') {
    const room = rooms.find((r) => r.kiosk === c.kiosk);
    return `Kiosk-Raum · kiosk room: ${room ? `${room.label} (${c.kiosk})` : c.kiosk}`;
  }
  return `Patient/in · patient: ${c.patientName || '(ohne Namen · no name)'}`;
}

function when(iso) {
  return new Date(iso).toLocaleString('de-DE', { dateStyle: 'short', timeStyle: 'short' });
}

function consultationRow(c) {
  const row = document.createElement('tr');
  row.dataset.consultation = c.id;
  row.dataset.state = c.state;
  const target = document.createElement('td');
  target.className = 'target';
  target.textContent = targetText(c);
  const state = document.createElement('td');
  state.className = 'state';
  const [de, en] = STATES[c.state] || [c.state, c.state];
  showText(state, de, `· ${en}`);
  const window = document.createElement('td');
  window.className = 'window';
  window.textContent = c.endedAt ? `${when(c.createdAt)} – ${when(c.endedAt)} (beendet · ended)`
    : `${when(c.createdAt)} – ${when(c.accessUntil)}`;
  const open = document.createElement('td');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'open';
  showText(button, 'Öffnen', '· Open');
  button.disabled = c.state === 'ended';
  button.addEventListener('click', () => { location.hash = `consultation=${c.id}`; openConsultation(c.id); });
  // The consultation's record (KBV Anlage 31b): who joined when, the media path, encryption, the end; printable.
  const record = document.createElement('a');
  record.className = 'record-link';
  record.href = `/record.html#consultation=${c.id}`;
  record.target = '_blank';
  record.rel = 'noopener';
  showText(record, 'Protokoll', '· Record');
  open.append(button, ' ', record);
  row.append(target, state, window, open);
  return row;
}

// Typing a name or picking a room chooses that kind of consultation.
$('create-name').addEventListener('input', () => { $('target-patient').checked = true; });
for (const event of ['change', 'focus', 'click']) {
  $('create-room').addEventListener(event, () => { $('target-room').checked = true; });
}
$('create-name').addEventListener('focus', () => { $('target-patient').checked = true; });

$('create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('create-error').textContent = '';
  const forRoom = $('target-room').checked;
  const name = $('create-name').value.trim();
  if (forRoom && !$('create-room').value) {
    showText($('create-error'), 'Bitte einen Kiosk-Raum wählen.', 'Please choose a kiosk room.');
    return;
  }
  const created = await api('POST', '/api/v1/consultations',
    forRoom ? { kiosk: $('create-room').value } : name ? { patientName: name } : {});
  if (!created.ok) {
    const problem = await created.json().catch(() => ({}));
    showText($('create-error'), `Nicht angelegt (${created.status}).`, problem.detail || `Not created (${created.status}).`);
    return;
  }
  const consultation = await created.json();
  $('create-name').value = '';
  location.hash = `consultation=${consultation.id}`;
  openConsultation(consultation.id);
  if (forRoom) {
    // A room consultation needs no code: the kiosk's own page is called in.
    showText($('code'), `Der Kiosk ${consultation.kiosk} wird aufgerufen, sobald seine Seite offen ist.`,
      `The kiosk ${consultation.kiosk} is called in as soon as its page is open.`);
    return;
  }
  const code = await api('POST', `/api/v1/consultations/${consultation.id}/codes`);
  if (code.ok) {
    const issued = await code.json();
    showText($('code'), `Zugangscode für die Patientin / den Patienten: ${issued.code}`,
      `Join code for the patient: ${issued.code}`);
  }
});

// Logging out ends the session on the server (DELETE /api/v1/session, which also clears the cookie), then drops
// everything this page held: the signaling socket, the camera, the call.
async function logout() {
  signal?.stop();
  call?.hangUp();
  const stream = $('local').srcObject;
  stream?.getTracks().forEach((t) => t.stop());
  const response = await api('DELETE', '/api/v1/session');
  if (!response.ok && response.status !== 401) {
    showText(status, `Abmelden fehlgeschlagen (${response.status}).`, `Logout failed (${response.status}).`);
    return;
  }
  location.replace('/doctor.html'); // a fresh page: nothing of the consultation stays in memory
}

$('logout').addEventListener('click', logout);
$('to-list').addEventListener('click', () => {
  location.replace('/doctor.html');
});

async function openConsultation(id) {
  consultationId = id;
  show('room');
  const vitals = new Vitals($('vitals'), id);
  vitals.start();
  const camera = await openCamera();
  $('local').srcObject = camera.stream;
  signal = new Signal({ kind: 'cookie', consultation: id }, { onEvent, onStatus });
  call = new Call('doctor', signal, $('remote'));
  call.setLocalStream(camera.stream);
  call.onPathState = showMediaPath;
  if (!$('commands')) {
    new Commands(id, $('call-side'));
  }
  chat = new Chat($('chat'), (m) => signal.send(m), 'doctor');
  link = new LinkQuality(call, { onSample: showLinkQuality, onChange: rungChanged });
  showRung(link.rung, false);
  window.telekiosk = { role: 'doctor', signal, call, link, chat, vitals, videoStats: () => call.videoStats() };
  signal.start();
  link.start();
}

// The ladder moved (or the doctor pinned a rung): apply it here, tell the patient's page over signaling, show it.
function rungChanged({ rung, reason, pinned }) {
  showRung(rung, pinned);
  call.setRung(rung);
  if (inCall) {
    signal.send({ type: 'quality', rung, reason: reason.slice(0, 120), pinned });
  }
}

const showRung = (rung, pinned) => renderRung($('link'), $('rung'), rung, pinned);
const showLinkQuality = (sample) => renderQuality($('link-quality'), sample);

// The call's media path as the peer connection reports it: while it is interrupted (a cut, then the ICE restart that
// brings it back) the doctor reads so, instead of a frozen picture that looks like a patient who does not move.
function showMediaPath(state) {
  const badge = $('media-path');
  badge.dataset.state = state;
  badge.hidden = state !== 'interrupted';
  if (state === 'interrupted') {
    showText(badge, 'Bild und Ton unterbrochen – wird wiederhergestellt …', '· Media interrupted – reconnecting …');
  }
}

$('pin').addEventListener('change', (e) => link?.pin(e.currentTarget.value));

function onStatus(state, code) {
  status.dataset.state = state === 'open' ? 'open' : state === 'closed' ? 'closed' : 'connecting';
  if (state === 'open') {
    showText(status, 'Verbunden.', 'Connected.');
  } else if (state === 'closed' && code === 4401) {
    signal = null;
    show('login');
    showText(status, 'Bitte anmelden.', 'Please log in.');
  } else if (state === 'closed') {
    showText(status, `Verbindung beendet (${code}).`, `Connection ended (${code}).`);
  } else {
    showText(status, 'Verbinde …', 'Connecting …');
  }
}

async function onEvent(event) {
  switch (event.type) {
    case 'waiting-room': renderWaiting(event.patients); break;
    case 'participants': renderParticipants(event.participants); break;
    case 'admitted':
      inCall = true;
      link.restart();
      await call.admitted(event);
      // Both pages start the call on the same rung (a pinned one, or full video).
      rungChanged({ rung: link.rung, reason: 'call started', pinned: !!link.ladder.pinned });
      break;
    case 'answer': await call.onAnswer(event.sdp); break;
    case 'ice-candidate': await call.onCandidate(event); break;
    case 'ice-restart': await call.restart(true); break;
    case 'ended':
      call.hangUp();
      link.stop();
      chat.clear();
      inCall = false;
      showText(status, 'Sprechstunde beendet.', 'Consultation ended.');
      break;
    case 'chat': chat.onEvent(event); break;
    case 'error': if (!chat.onEvent(event)) console.warn('signaling error', event.code); break;
    default: break;
  }
}

function renderWaiting(patients) {
  const list = $('waiting');
  list.replaceChildren();
  $('nobody').classList.toggle('hidden', patients.length > 0);
  for (const p of patients) {
    const item = $('waiting-template').content.firstElementChild.cloneNode(true);
    item.dataset.participant = p.participant;
    item.querySelector('.name').textContent = p.name;
    const kiosk = item.querySelector('.kiosk');
    kiosk.textContent = p.kiosk || 'eigenes Gerät / own device';
    item.querySelector('.since').textContent = new Date(p.waitingSince).toLocaleTimeString('de-DE');
    badge(item.querySelector('.camera'), p.readiness.camera, 'Kamera / camera');
    badge(item.querySelector('.microphone'), p.readiness.microphone, 'Mikrofon / microphone');
    item.querySelector('.rtt').textContent = p.readiness.roundTripMillis >= 0
      ? `${p.readiness.roundTripMillis} ms` : '– ms';
    badge(item.querySelector('.connected'), p.connected, 'verbunden / connected');
    renderSensors(item.querySelector('.kiosk-sensors'), p.sensors);
    renderCheck(item.querySelector('.pre-check'), p.check);
    const admit = item.querySelector('.admit');
    admit.disabled = inCall;
    admit.addEventListener('click', () => signal.send({ type: 'admit', participant: p.participant }));
    list.append(item);
  }
}

// The kiosk's sensors as the kiosk itself last reported them (its MQTT status), never as the page claims.
const SENSOR_STATES = { present: '✓', absent: '✗ fehlt · absent', faulty: '⚠ gestört · faulty' };

function renderSensors(element, sensors) {
  element.replaceChildren();
  if (sensors.source === 'no-kiosk') {
    element.textContent = 'keine Kiosk-Sensoren · no kiosk sensors';
    return;
  }
  if (sensors.source === 'not-reported') {
    element.textContent = 'Sensoren: noch keine Meldung · sensors: not reported yet';
    return;
  }
  for (const s of sensors.sensors) {
    const span = document.createElement('span');
    span.className = `badge sensor ${s.state === 'present' ? 'ok' : 'no'}`;
    span.dataset.sensor = s.sensor;
    span.dataset.state = s.state;
    span.textContent = `${s.sensor} ${SENSOR_STATES[s.state] || s.state}`;
    if (s.detail) {
      span.title = s.detail;
      span.textContent += ` (${s.detail})`;
    }
    element.append(span);
  }
}

// The patient page's pre-call check (protocol version 2's `check`), in plain German first: each result a badge, ok
// (green), no (red) or neither (grey: not checked, not answered, or only the permission known).
const CHECK_TEXTS = {
  camera: {
    picture: ['ok', 'Kamera: Bild gesehen', 'camera: picture seen'],
    dark: ['no', 'Kamera: Bild dunkel', 'camera: picture dark'],
    unavailable: ['no', 'Kamera: nicht verfügbar', 'camera: not available'],
    unknown: ['', 'Kamera: nicht geprüft', 'camera: not checked'],
  },
  microphone: {
    heard: ['ok', 'Mikrofon: gehört', 'microphone: heard'],
    silent: ['no', 'Mikrofon: nichts gehört', 'microphone: silent'],
    unmeasured: ['', 'Mikrofon: freigegeben, nicht gemessen', 'microphone: allowed, not measured'],
    unavailable: ['no', 'Mikrofon: nicht verfügbar', 'microphone: not available'],
    unknown: ['', 'Mikrofon: nicht geprüft', 'microphone: not checked'],
  },
  speaker: {
    heard: ['ok', 'Lautsprecher: gehört', 'speaker: heard'],
    'not-heard': ['no', 'Lautsprecher: nichts gehört', 'speaker: not heard'],
    unknown: ['', 'Lautsprecher: keine Antwort', 'speaker: no answer'],
  },
};

function renderCheck(element, check) {
  element.replaceChildren();
  if (!check || (check.camera === 'unknown' && check.microphone === 'unknown' && check.speaker === 'unknown'
      && check.roundTripMillis < 0)) {
    element.textContent = 'Vorabprüfung: keine gemeldet · pre-call check: none reported';
    return;
  }
  for (const part of ['camera', 'microphone', 'speaker']) {
    const [state, de, en] = CHECK_TEXTS[part][check[part]] || ['', `${part}: ${check[part]}`, ''];
    checkBadge(element, part, state, de, en);
  }
  if (check.roundTripMillis < 0) {
    checkBadge(element, 'connection', 'no', 'Verbindung: Server nicht erreicht', 'connection: broker not reached');
  } else {
    const figures = `${bitRate(check.downKbps)}, ${check.roundTripMillis} ms`;
    const good = check.downKbps >= 1000 && check.roundTripMillis <= 400;
    checkBadge(element, 'connection', good ? 'ok' : 'no', `Verbindung: ${figures}`, `connection: ${figures}`);
  }
}

function checkBadge(element, part, state, de, en) {
  const span = document.createElement('span');
  span.className = `badge check ${state}`;
  span.dataset.check = part;
  span.textContent = `${de} · ${en}`;
  element.append(span);
}

/** kbit/s as German text: 1,8 Mbit/s from 1000 kbit/s up. */
function bitRate(kbps) {
  return kbps >= 1000 ? `${(kbps / 1000).toLocaleString('de-DE', { maximumFractionDigits: 1 })} Mbit/s`
    : `${kbps} kbit/s`;
}

function badge(element, ok, label) {
  element.classList.toggle('ok', ok);
  element.classList.toggle('no', !ok);
  element.textContent = `${ok ? '✓' : '✗'} ${label}`;
}

function renderParticipants(people) {
  const list = $('participants');
  list.replaceChildren();
  // The doctor is always listed (protocol/README.md, "participants"): the call is busy once a patient is in it.
  inCall = people.some((p) => p.role === 'patient');
  for (const p of people) {
    const li = document.createElement('li');
    li.textContent = `${p.role === 'doctor' ? 'Ärztin/Arzt · doctor' : 'Patient/in · patient'}: ${p.name}`;
    list.append(li);
  }
  for (const button of document.querySelectorAll('#waiting .admit')) {
    button.disabled = inCall;
  }
}

$('mute').addEventListener('click', (e) => toggle(e.currentTarget, (on) => call?.setMicrophone(on)));
$('camera').addEventListener('click', (e) => toggle(e.currentTarget, (on) => call?.setCamera(on)));
$('end').addEventListener('click', () => signal?.send({ type: 'end' }));
$('export-fhir').addEventListener('click', exportFhir);

// Downloads the consultation's readings as a FHIR R4 bundle (GET /api/v1/consultations/{id}/fhir, docs/fhir.md);
// works during and after the call. The file is made from a blob so that a refusal shows here instead of as a file.
async function exportFhir() {
  if (!consultationId) {
    return;
  }
  const response = await api('GET', `/api/v1/consultations/${consultationId}/fhir`);
  if (!response.ok) {
    showText(status, `FHIR-Export fehlgeschlagen (${response.status}).`, `FHIR export failed (${response.status}).`);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `consultation-${consultationId}.fhir.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  showText(status, 'FHIR-Export heruntergeladen.', 'FHIR export downloaded.');
}

// Keyboard: every control is a button in tab order; Alt+M and Alt+K also switch the microphone and the camera.
document.addEventListener('keydown', (e) => {
  if (!e.altKey || $('room').classList.contains('hidden')) {
    return;
  }
  const target = { m: 'mute', k: 'camera' }[e.key.toLowerCase()];
  if (target) {
    e.preventDefault();
    $(target).click();
  }
});

function toggle(button, apply) {
  const off = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(off));
  apply(!off);
}

start();
