// Telekiosk kiosk/patient page: enter the one-time join code, wait, talk. Large touch targets, German first.
// Signaling as in protocol/README.md ("Signaling WebSocket"); after a dropped connection the page resumes its seat
// with the resume token (kept only in memory) and the call recovers with an ICE restart.
// A kiosk's own page is opened by its agent with a one-time kiosk page token in the URL fragment
// (#kiosk-token=...): the page redeems it for a kiosk page session (HttpOnly cookie), removes the fragment, and
// asks to be called into the kiosk's open room consultation without a code; without one it asks for a code.

import { Signal, showText } from '/signal.js';
import { Call, openCamera } from '/call.js';
import { Vitals } from '/vitals.js';
import { renderGuidance } from '/guidance.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const ERRORS = {
  'invalid-code': ['Dieser Code ist nicht gültig. Bitte prüfen Sie ihn.', 'This code is not valid. Please check it.'],
  'throttled': ['Zu viele Versuche. Bitte warten Sie einen Moment.', 'Too many attempts. Please wait a moment.'],
  'seat-released': ['Die Verbindung war zu lange unterbrochen. Bitte neuen Code erfragen.',
    'The connection was lost for too long. Please ask for a new code.'],
  'access-expired': ['Diese Sprechstunde ist beendet.', 'This consultation is over.'],
};
const NO_ROOM = 'no-room-consultation';
let signal = null;
let call = null;
let camera = { stream: null, camera: false, microphone: false };
let lastError = null;
let vitals = null;
let guidanceTimer = null;

// On a kiosk's own page, the patient in the call sees the readings the doctor sees, in plain German.
function showVitals() {
  if (kiosk && !vitals) {
    // A measurement the doctor asked for: tell the patient what to do, in German first; done guidance fades.
    vitals = new Vitals($('vitals'), null, { patient: true, onCommand: (c) => {
      renderGuidance($('guidance'), c);
      clearTimeout(guidanceTimer);
      if (['done', 'failed', 'expired'].includes(c.state)) {
        guidanceTimer = setTimeout(() => renderGuidance($('guidance'), null), 15000);
      }
    } });
    vitals.start();
  }
}

function hideVitals() {
  vitals?.stop();
  vitals = null;
}

function show(id) {
  for (const section of ['enter', 'waiting', 'call', 'over']) {
    $(section).classList.toggle('hidden', section !== id);
  }
}

let kiosk = null;

$('code-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = $('code').value.trim();
  if (!code) {
    return;
  }
  $('code-error').textContent = '';
  $('code').value = '';
  await join({ kind: 'code', code, name: '' });
});

async function join(credential) {
  if (!camera.stream) {
    camera = await openCamera();
    $('local').srcObject = camera.stream;
  }
  lastError = null;
  signal = new Signal(credential, { onEvent, onStatus, onRoundTrip: sendReadiness });
  call = new Call('patient', signal, $('remote'));
  call.setLocalStream(camera.stream);
  window.telekiosk = { role: 'patient', kiosk, signal, call, videoStats: () => call.videoStats() };
  signal.start();
}

// The kiosk page session: redeem the fragment's one-time token (then drop it from the URL and the history), or
// find the session an earlier load started. Resolves to the kiosk id, or null for a page that is no kiosk's.
async function kioskSession() {
  const token = new URLSearchParams(location.hash.slice(1)).get('kiosk-token');
  if (token) {
    history.replaceState(null, '', location.pathname + location.search);
    const reply = await fetch('/api/v1/kiosk-session', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
    if (reply.ok) {
      return (await reply.json()).kiosk;
    }
  }
  const me = await fetch('/api/v1/kiosk-session', { credentials: 'same-origin' });
  return me.ok ? (await me.json()).kiosk : null;
}

function sendReadiness() {
  signal?.send({ type: 'ready', readiness: { camera: camera.camera, microphone: camera.microphone,
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
    if (lastError === NO_ROOM) {
      show('enter');
    } else if (code === 4401 && lastError === 'invalid-code' || lastError === 'throttled') {
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
      if (event.status === 'in-call') showVitals();
      sendReadiness();
      break;
    case 'admitted': show('call'); showVitals(); await call.admitted(event); break;
    case 'participants': renderParticipants(event.participants); break;
    case 'offer': await call.onOffer(event.sdp); break;
    case 'ice-candidate': await call.onCandidate(event); break;
    case 'ended':
      hideVitals();
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
  hideVitals();
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

showText(status, 'Bereit.', 'Ready.');
kiosk = await kioskSession().catch(() => null);
document.body.dataset.kiosk = kiosk || '';
$('vitals').classList.toggle('hidden', !kiosk); // a browser without a kiosk has no readings to show
if (kiosk) {
  // A kiosk's own page: be called into its room consultation; without one the broker says so and the code entry shows.
  show('waiting');
  showText($('waiting-text'), 'Sie werden gleich aufgerufen.', 'You will be called in.');
  await join({ kind: 'kiosk', name: '' });
} else {
  show('enter');
}
