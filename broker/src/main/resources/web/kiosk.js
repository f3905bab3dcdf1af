// Telekiosk kiosk/patient page: enter the one-time join code, wait, talk. Large touch targets, German first.
// Signaling as in protocol/README.md ("Signaling WebSocket"); after a dropped connection the page resumes its seat
// with the resume token (kept only in memory) and the call recovers with an ICE restart.

import { Signal, showText } from '/signal.js';
import { Call, openCamera } from '/call.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const ERRORS = {
  'invalid-code': ['Dieser Code ist nicht gültig. Bitte prüfen Sie ihn.', 'This code is not valid. Please check it.'],
  'throttled': ['Zu viele Versuche. Bitte warten Sie einen Moment.', 'Too many attempts. Please wait a moment.'],
  'seat-released': ['Die Verbindung war zu lange unterbrochen. Bitte neuen Code erfragen.',
    'The connection was lost for too long. Please ask for a new code.'],
  'access-expired': ['Diese Sprechstunde ist beendet.', 'This consultation is over.'],
};
let signal = null;
let call = null;
let camera = { stream: null, camera: false, microphone: false };
let lastError = null;

function show(id) {
  for (const section of ['enter', 'waiting', 'call', 'over']) {
    $(section).classList.toggle('hidden', section !== id);
  }
}

$('code-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = $('code').value.trim();
  if (!code) {
    return;
  }
  $('code-error').textContent = '';
  camera = await openCamera();
  $('local').srcObject = camera.stream;
  lastError = null;
  signal = new Signal({ kind: 'code', code, name: '' }, { onEvent, onStatus, onRoundTrip: sendReadiness });
  call = new Call('patient', signal, $('remote'));
  call.setLocalStream(camera.stream);
  window.telekiosk = { role: 'patient', signal, call, videoStats: () => call.videoStats() };
  $('code').value = '';
  signal.start();
});

function sendReadiness() {
  signal?.send({ type: 'ready', readiness: { camera: camera.camera, microphone: camera.microphone, sensors: false,
    roundTripMillis: signal.roundTripMillis } });
  showText($('readiness'), `Kamera ${camera.camera ? '✓' : '✗'} · Mikrofon ${camera.microphone ? '✓' : '✗'}`,
    `Camera ${camera.camera ? '✓' : '✗'} · Microphone ${camera.microphone ? '✓' : '✗'}`);
}

function onStatus(state, code) {
  status.dataset.state = state === 'open' ? 'open' : state === 'closed' ? 'closed' : 'connecting';
  if (state === 'open') {
    showText(status, 'Verbunden.', 'Connected.');
  } else if (state === 'reconnecting') {
    showText(status, 'Verbindung unterbrochen, verbinde neu …', 'Connection lost, reconnecting …');
  } else if (state === 'closed') {
    const text = ERRORS[lastError];
    if (code === 4401 && lastError === 'invalid-code' || lastError === 'throttled') {
      show('enter');
      showText($('code-error'), text[0], text[1]);
    } else if (code !== 1000 || text) {
      call?.hangUp();
      show('over');
      const [de, en] = text || ['Die Verbindung wurde beendet.', 'The connection ended.'];
      showText($('over-text'), de, en);
    }
    showText(status, 'Getrennt.', 'Disconnected.');
  } else {
    showText(status, 'Verbinde …', 'Connecting …');
  }
}

async function onEvent(event) {
  switch (event.type) {
    case 'welcome':
      show(event.status === 'in-call' ? 'call' : 'waiting');
      sendReadiness();
      break;
    case 'admitted': show('call'); await call.admitted(event); break;
    case 'participants': renderParticipants(event.participants); break;
    case 'offer': await call.onOffer(event.sdp); break;
    case 'ice-candidate': await call.onCandidate(event); break;
    case 'ended':
      call.hangUp();
      show('over');
      showText($('over-text'), 'Die Sprechstunde ist beendet. Vielen Dank!', 'The consultation is over. Thank you!');
      break;
    case 'error': lastError = event.code; break;
    default: break;
  }
}

function renderParticipants(people) {
  const list = $('participants');
  list.replaceChildren();
  for (const p of people) {
    const li = document.createElement('li');
    li.textContent = `${p.role === 'doctor' ? 'Ärztin/Arzt · doctor' : 'Patient/in · patient'}: ${p.name}`;
    list.append(li);
  }
}

function leave() {
  signal?.send({ type: 'leave' });
  call?.hangUp();
  camera.stream?.getTracks().forEach((t) => t.stop());
  show('over');
  showText($('over-text'), 'Sie haben die Sprechstunde verlassen.', 'You have left the consultation.');
}

$('leave').addEventListener('click', leave);
$('leave-waiting').addEventListener('click', leave);
$('mute').addEventListener('click', (e) => toggle(e.currentTarget, (on) => call?.setMicrophone(on)));
$('camera').addEventListener('click', (e) => toggle(e.currentTarget, (on) => call?.setCamera(on)));

function toggle(button, apply) {
  const off = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(off));
  apply(!off);
}

show('enter');
showText(status, 'Bereit.', 'Ready.');
