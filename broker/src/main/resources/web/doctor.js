// Telekiosk doctor console: log in (POST /api/v1/session sets the tk_session cookie), pick or create a
// consultation, see the waiting room with each patient's readiness, admit one, and talk.
// Signaling as in protocol/README.md ("Signaling WebSocket"); received text goes into the page only via textContent.

import { Signal, showText } from '/signal.js';
import { Call, openCamera } from '/call.js';
import { Vitals } from '/vitals.js';
import { Commands } from '/commands.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
let signal = null;
let call = null;
let inCall = false;
let consultationId = null;

function show(id) {
  for (const section of ['login', 'consultations', 'room']) {
    $(section).classList.toggle('hidden', section !== id);
  }
}

async function api(method, path, body) {
  const response = await fetch(path, { method, credentials: 'same-origin',
    headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return response;
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
  await listConsultations();
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const response = await api('POST', '/api/v1/session', { login: $('login-name').value,
    password: $('login-password').value });
  $('login-password').value = '';
  if (!response.ok) {
    showText($('login-error'), 'Anmeldung fehlgeschlagen.', 'Login failed.');
    return;
  }
  $('login-error').textContent = '';
  const match = /consultation=([0-9a-f-]{36})/.exec(location.hash);
  if (match) {
    openConsultation(match[1]);
  } else {
    await listConsultations();
  }
});

async function listConsultations() {
  const response = await api('GET', '/api/v1/consultations');
  if (response.status === 401) {
    show('login');
    return;
  }
  show('consultations');
  const list = $('consultation-list');
  list.replaceChildren();
  if (!response.ok) {
    return;
  }
  const body = await response.json();
  for (const c of body.consultations || body) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `${c.patientName || c.id} (${c.state})`;
    button.addEventListener('click', () => { location.hash = `consultation=${c.id}`; openConsultation(c.id); });
    li.append(button);
    list.append(li);
  }
}

$('create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('create-name').value.trim();
  const created = await api('POST', '/api/v1/consultations', name ? { patientName: name } : {});
  if (!created.ok) {
    return;
  }
  const consultation = await created.json();
  const code = await api('POST', `/api/v1/consultations/${consultation.id}/codes`);
  location.hash = `consultation=${consultation.id}`;
  openConsultation(consultation.id);
  if (code.ok) {
    const issued = await code.json();
    showText($('code'), `Zugangscode für die Patientin / den Patienten: ${issued.code}`,
      `Join code for the patient: ${issued.code}`);
  }
});

async function openConsultation(id) {
  consultationId = id;
  show('room');
  new Vitals($('vitals'), id).start();
  const camera = await openCamera();
  $('local').srcObject = camera.stream;
  signal = new Signal({ kind: 'cookie', consultation: id }, { onEvent, onStatus });
  call = new Call('doctor', signal, $('remote'));
  call.setLocalStream(camera.stream);
  if (!$('commands')) {
    new Commands(id, $('room'));
  }
  window.telekiosk = { role: 'doctor', signal, call, videoStats: () => call.videoStats() };
  signal.start();
}

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
    case 'admitted': inCall = true; await call.admitted(event); break;
    case 'answer': await call.onAnswer(event.sdp); break;
    case 'ice-candidate': await call.onCandidate(event); break;
    case 'ice-restart': await call.restart(); break;
    case 'ended': call.hangUp(); inCall = false; showText(status, 'Sprechstunde beendet.', 'Consultation ended.'); break;
    case 'error': console.warn('signaling error', event.code); break;
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

function toggle(button, apply) {
  const off = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(off));
  apply(!off);
}

start();
