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
import { PreCheck, checkMessage } from '/precheck.js';
import { Chat } from '/chat.js';
import { JoinTimer } from '/jointime.js';

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
// Set by whoever opens the page (the kiosk agent): ?idle-reset=S (1-30 s, default 30) is how long the page stays on
// after a consultation before it resets to the start screen; ?check-wait=S (0-120 s, default 3) how long the pre-call
// check's results stay up before the page goes on to the waiting room by itself.
const PARAMS = new URLSearchParams(location.search);
const IDLE_RESET_S = bounded(PARAMS.get('idle-reset'), 1, 30, 30);
const CHECK_WAIT_S = bounded(PARAMS.get('check-wait'), 0, 120, 3);
let check = null;
let checkResults = null;
let checkTimer = null;
let resetTimer = null;

function bounded(text, min, max, fallback) {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}
let signal = null;
let call = null;
let camera = { stream: null, camera: false, microphone: false };
let lastError = null;
let vitals = null;
let guidanceTimer = null;
let chat = null;
let rung = 'video';
const joinTimer = new JoinTimer();

// Calm guidance when the doctor's page moves the call to another rung of the ladder: German first, English second.
const RUNG_GUIDANCE = {
  video: ['Die Verbindung ist wieder gut – Sie sehen sich wieder.', 'The connection is good again – video is back.'],
  'video-low': ['Die Verbindung ist schwach – das Bild wird kleiner, der Ton bleibt.',
    'The connection is weak – the picture gets smaller, the sound stays.'],
  audio: ['Die Verbindung ist schwach – wir schalten auf Ton um. Sie hören sich weiter.',
    'The connection is weak – we switch to sound only. You can still hear each other.'],
  text: ['Die Verbindung ist sehr schwach – bitte schreiben Sie unten. Ihre Messwerte kommen weiter an.',
    'The connection is very weak – please write below. Your readings still arrive.'],
};

// The call's media path as the peer connection reports it: while it is down (a cut, then the ICE restart that
// brings it back) the patient reads, large and calm, that the line is interrupted (not that they did something wrong)
// and that nothing needs doing; the notice goes when the media flows again. German first, English second.
function showMediaPath(state) {
  const notice = $('media-path');
  notice.dataset.state = state;
  if (state === 'interrupted' && notice.hidden) {
    const german = document.createElement('p');
    german.className = 'guidance-de';
    german.textContent = 'Bild und Ton sind kurz unterbrochen. Bitte bleiben Sie hier – die Verbindung kommt von '
      + 'selbst zurück.';
    const english = document.createElement('p');
    english.className = 'guidance-en';
    english.lang = 'en';
    english.textContent = 'Picture and sound are briefly interrupted. Please stay here – the connection comes back '
      + 'by itself.';
    notice.replaceChildren(german, english);
  }
  notice.hidden = state !== 'interrupted';
}

async function onQuality(event) {
  const changed = event.rung !== rung;
  rung = event.rung;
  document.body.dataset.rung = rung;
  if (window.telekiosk) window.telekiosk.rung = rung;
  await call.setRung(rung);
  const element = $('link-guidance');
  if (!changed) return;
  const [de, en] = RUNG_GUIDANCE[rung];
  const german = document.createElement('p');
  german.className = 'guidance-de';
  german.textContent = de;
  const english = document.createElement('p');
  english.className = 'guidance-en';
  english.lang = 'en';
  english.textContent = en;
  element.replaceChildren(german, english);
  element.hidden = false;
  element.dataset.rung = rung;
}

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
  for (const section of ['enter', 'check', 'waiting', 'call', 'over']) {
    $(section).classList.toggle('hidden', section !== id);
  }
  document.body.dataset.state = id;
  if (id === 'over') {
    scheduleReset();
  }
}

// After a consultation the page resets itself to a fresh start screen: a new load of the page, so that nothing of
// the previous patient (pictures, names, readings, guidance, the resume token) stays in its memory or on screen.
// The broker's responses are all Cache-Control: no-store, so nothing stays in the browser's cache either.
function scheduleReset() {
  if (resetTimer) {
    return;
  }
  const due = performance.now() + IDLE_RESET_S * 1000;
  const tick = () => {
    const left = Math.max(0, Math.ceil((due - performance.now()) / 1000));
    showText($('reset-text'), `Diese Seite beginnt in ${left} s von vorn.`, `This page starts over in ${left} s.`);
    if (left === 0) {
      reset();
    }
  };
  tick();
  resetTimer = setInterval(tick, 250);
}

function reset() {
  clearInterval(resetTimer);
  hideVitals();
  signal?.stop();
  call?.hangUp();
  camera.stream?.getTracks().forEach((t) => t.stop());
  for (const video of document.querySelectorAll('video')) video.srcObject = null;
  location.replace(location.pathname + location.search);
}

// The pre-call check before the waiting room (precheck.js); then join with `credential`. Done once per page load.
async function checkThenJoin(credential) {
  if (checkResults) {
    await join(credential);
    return;
  }
  if (!camera.stream) {
    camera = await openCamera();
    $('local').srcObject = camera.stream;
  }
  show('check');
  const proceed = () => {
    clearInterval(checkTimer);
    checkTimer = null;
    checkResults = check.results;
    check.stop();
    join(credential);
  };
  const runOnce = async () => {
    clearInterval(checkTimer);
    $('check-continue').onclick = proceed;
    showText($('check-summary'), 'Einen Moment bitte, wir prüfen Kamera, Mikrofon, Lautsprecher und Verbindung.',
      'One moment please: checking camera, microphone, speaker and connection.');
    check?.stop();
    check = new PreCheck(camera.stream, camera);
    const results = await check.run();
    if (!results.picture || !results.reachable) {
      showText($('check-summary'), 'Nicht alles funktioniert. Tippen Sie auf „Nochmal prüfen“ oder „Weiter“.',
        'Not everything works. Tap “Check again” or “Continue”.');
      return;
    }
    const due = performance.now() + CHECK_WAIT_S * 1000;
    const tick = () => {
      const left = Math.max(0, Math.ceil((due - performance.now()) / 1000));
      showText($('check-summary'), `Alles bereit. In ${left} s geht es weiter ins Wartezimmer.`,
        `All set. On to the waiting room in ${left} s.`);
      if (left === 0 && checkTimer) {
        proceed();
      }
    };
    checkTimer = setInterval(tick, 250);
    tick();
  };
  $('check-again').onclick = runOnce;
  await runOnce();
}

$('tone-play').addEventListener('click', () => check?.playTone());
$('tone-heard').addEventListener('click', () => check?.speaker(true));
$('tone-not-heard').addEventListener('click', () => check?.speaker(false));
$('start-over').addEventListener('click', reset);

let kiosk = null;

$('code-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = $('code').value.trim();
  if (!code) {
    return;
  }
  $('code-error').textContent = '';
  $('code').value = '';
  joinTimer.entered();
  await checkThenJoin({ kind: 'code', code, name: '' });
});

async function join(credential) {
  if (!camera.stream) {
    camera = await openCamera();
    $('local').srcObject = camera.stream;
  }
  lastError = null;
  show('waiting'); // the broker's welcome confirms it; a refusal goes back to the code entry
  signal = new Signal(credential, { onEvent, onStatus, onRoundTrip: sendReadiness });
  call = new Call('patient', signal, $('remote'));
  call.setLocalStream(camera.stream);
  call.onPathState = (state) => {
    showMediaPath(state);
    // `join-time` is version 2, like `check`: a version 1 broker would close the socket on it
    if (state === 'connected' && signal.protocolVersion >= 2) joinTimer.connected((m) => signal.send(m));
  };
  chat ??= new Chat($('chat'), (m) => signal.send(m), 'patient');
  window.telekiosk = { role: 'patient', kiosk, signal, call, chat, rung, videoStats: () => call.videoStats() };
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

// What the doctor sees as this patient's readiness: after the pre-call check, the camera counts only if a picture
// was seen and the microphone only if it was not found silent (a level that could not be measured counts as the
// permission); the round trip is the signaling socket's own.
function sendReadiness() {
  const cameraOk = camera.camera && (!checkResults || checkResults.picture);
  const microphoneOk = camera.microphone && (!checkResults || !['silent', 'none'].includes(checkResults.sound));
  signal?.send({ type: 'ready', readiness: { camera: cameraOk, microphone: microphoneOk,
    roundTripMillis: signal.roundTripMillis } });
  showText($('readiness'), `Kamera ${cameraOk ? '✓' : '✗'} · Mikrofon ${microphoneOk ? '✓' : '✗'}`,
    `Camera ${cameraOk ? '✓' : '✗'} · Microphone ${microphoneOk ? '✓' : '✗'}`);
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
      // The check's results for the doctor, after every welcome (the broker keeps the seat's latest; a version 1
      // broker knows no such message).
      if (checkResults && signal.protocolVersion >= 2) signal.send(checkMessage(checkResults));
      break;
    case 'admitted': joinTimer.admitted(); show('call'); showVitals(); await call.admitted(event); break;
    case 'participants': renderParticipants(event.participants); break;
    case 'offer': await call.onOffer(event.sdp); break;
    case 'ice-candidate': await call.onCandidate(event); break;
    case 'ended':
      hideVitals();
      call.hangUp();
      show('over');
      showText($('over-text'), 'Die Sprechstunde ist beendet. Vielen Dank!', 'The consultation is over. Thank you!');
      break;
    case 'quality': await onQuality(event); break;
    case 'chat': chat.onEvent(event); break;
    case 'error': if (!chat.onEvent(event)) lastError = event.code; break;
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
  showText($('waiting-text'), 'Sie werden gleich aufgerufen.', 'You will be called in.');
  joinTimer.entered();
  await checkThenJoin({ kind: 'kiosk', name: '' });
} else {
  show('enter');
}
