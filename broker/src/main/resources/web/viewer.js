// Telekiosk viewer: opens the secure WebSocket /ws/viewer and shows each kiosk's latest readings.
// The messages are documented in protocol/README.md ("Viewer WebSocket").
// DOM updates use textContent only: nothing received is ever parsed as HTML.

const LABELS = {
  '8310-5': { de: 'Körpertemperatur', en: 'Body temperature', digits: 1 },
  '29463-7': { de: 'Körpergewicht', en: 'Body weight', digits: 1 },
  '59408-5': { de: 'Sauerstoffsättigung', en: 'Oxygen saturation', digits: 0 },
  '8867-4': { de: 'Puls', en: 'Pulse', digits: 0 },
  '8480-6': { de: 'Blutdruck systolisch', en: 'Systolic pressure', digits: 0 },
  '8462-4': { de: 'Blutdruck diastolisch', en: 'Diastolic pressure', digits: 0 },
  '8478-0': { de: 'Mitteldruck', en: 'Mean pressure', digits: 0 },
};
const STATES = {
  present: { de: 'bereit', en: 'ready' },
  absent: { de: 'nicht verbunden', en: 'not connected' },
  faulty: { de: 'Störung', en: 'fault' },
};
const SIGNALS = {
  ecg: { de: 'EKG', en: 'ECG', seconds: 5 },
  pleth: { de: 'Pulskurve', en: 'Pleth', seconds: 5 },
};
const UNITS = { 'Cel': '°C', 'kg': 'kg', '%': '%', '/min': '/min', 'mm[Hg]': 'mmHg' };
const PING_EVERY_MS = 15000;
const STALE_AFTER_MS = 30000;

const kiosks = new Map(); // kiosk id -> { element, tiles: Map(loinc|sensor -> element) }
let socket = null;
let retryMs = 500;
let pingTimer = null;
const pings = new Map(); // nonce -> sent time

function setStatus(state, de, en) {
  const el = document.getElementById('connection');
  el.dataset.state = state;
  el.textContent = de + ' ';
  const span = document.createElement('span');
  span.lang = 'en';
  span.textContent = en;
  el.append(span);
}

function connect() {
  socket = new WebSocket(`wss://${location.host}/ws/viewer`);
  socket.addEventListener('open', () => {
    retryMs = 500;
    setStatus('open', 'Verbunden.', 'Connected.');
    pingTimer = setInterval(ping, PING_EVERY_MS);
  });
  socket.addEventListener('message', (e) => onMessage(e.data));
  socket.addEventListener('close', (e) => {
    clearInterval(pingTimer);
    const seconds = Math.round(retryMs / 1000);
    setStatus('closed', `Verbindung getrennt (${e.code}). Neuer Versuch in ${seconds} s.`,
      `Disconnected (${e.code}). Retrying in ${seconds} s.`);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  });
}

function ping() {
  const nonce = Math.random().toString(36).slice(2, 12);
  pings.set(nonce, performance.now());
  socket.send(JSON.stringify({ type: 'ping', nonce }));
}

function onMessage(text) {
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    return;
  }
  switch (msg.type) {
    case 'welcome':
      break;
    case 'reading':
      showReading(msg.measurement);
      break;
    case 'status':
      showStatus(msg.status);
      break;
    case 'waveform':
      addWaveform(msg.batch);
      break;
    case 'pong': {
      const sent = pings.get(msg.nonce);
      pings.delete(msg.nonce);
      if (sent !== undefined) {
        const rtt = Math.round(performance.now() - sent);
        setStatus('open', `Verbunden · ${rtt} ms`, `Connected · ${rtt} ms`);
      }
      break;
    }
    case 'error':
      console.warn('broker refused a message:', msg.code, msg.message);
      break;
    default:
      console.warn('unknown message type', msg.type);
  }
}

function kioskElement(id) {
  let kiosk = kiosks.get(id);
  if (!kiosk) {
    const node = document.getElementById('kiosk-template').content.firstElementChild.cloneNode(true);
    node.querySelector('.kiosk-id').textContent = id;
    node.dataset.kiosk = id;
    document.getElementById('kiosks').append(node);
    document.getElementById('empty').hidden = true;
    kiosk = { element: node, tiles: new Map(), waves: new Map() };
    kiosks.set(id, kiosk);
  }
  return kiosk;
}

function showReading(m) {
  const kiosk = kioskElement(m.kiosk);
  const key = `${m.loinc}|${m.sensor}`;
  let tile = kiosk.tiles.get(key);
  if (!tile) {
    tile = document.getElementById('tile-template').content.firstElementChild.cloneNode(true);
    const label = LABELS[m.loinc];
    tile.querySelector('.label').textContent = label ? `${label.de} · ${label.en}` : `LOINC ${m.loinc}`;
    tile.dataset.loinc = m.loinc;
    tile.dataset.sensor = m.sensor;
    kiosk.element.querySelector('.tiles').append(tile);
    kiosk.tiles.set(key, tile);
  }
  const digits = LABELS[m.loinc]?.digits ?? 1;
  tile.querySelector('.number').textContent = m.value.toLocaleString('de-DE',
    { minimumFractionDigits: digits, maximumFractionDigits: digits });
  tile.querySelector('.unit').textContent = UNITS[m.unit] ?? m.unit;
  const taken = tile.querySelector('.taken');
  taken.dateTime = m.takenAt;
  taken.textContent = new Date(m.takenAt).toLocaleTimeString('de-DE');
  tile.querySelector('.seq').textContent = `${m.sensor} · #${m.seq}`;
  tile.dataset.takenAt = m.takenAt;
  tile.classList.remove('stale');
  tile.classList.add('fresh');
  setTimeout(() => tile.classList.remove('fresh'), 600);
}

function showStatus(status) {
  const kiosk = kioskElement(status.kiosk);
  const list = kiosk.element.querySelector('.sensors');
  list.replaceChildren();
  for (const sensor of status.sensors) {
    const badge = document.createElement('li');
    const state = STATES[sensor.state] ?? { de: sensor.state, en: sensor.state };
    badge.className = `sensor ${sensor.state}`;
    badge.dataset.sensor = sensor.sensor;
    badge.dataset.state = sensor.state;
    badge.textContent = `${sensor.sensor}: ${state.de} / ${state.en}`;
    if (sensor.detail) {
      badge.title = sensor.detail;
    }
    list.append(badge);
  }
  const queue = kiosk.element.querySelector('.queue');
  queue.textContent = status.dropped > 0
    ? `Warteschlange ${status.queued} · verloren ${status.dropped} / queued ${status.queued} · lost ${status.dropped}`
    : `Warteschlange ${status.queued} / queued ${status.queued}`;
  if (status.outboxFault) {
    queue.textContent += ` · Speicherfehler / outbox fault: ${status.outboxFault}`;
  }
}

function addWaveform(batch) {
  const kiosk = kioskElement(batch.kiosk);
  const key = `${batch.signal}|${batch.sensor}`;
  let wave = kiosk.waves.get(key);
  if (!wave) {
    const figure = document.getElementById('wave-template').content.firstElementChild.cloneNode(true);
    const signal = SIGNALS[batch.signal] ?? { de: batch.signal, en: batch.signal, seconds: 5 };
    figure.querySelector('.label').textContent = `${signal.de} · ${signal.en} (${batch.unit})`;
    figure.dataset.signal = batch.signal;
    kiosk.element.querySelector('.waves').append(figure);
    const capacity = Math.ceil(batch.sampleRate * signal.seconds);
    wave = { canvas: figure.querySelector('canvas'), values: new Float32Array(capacity), next: 0, filled: 0,
      frames: 0 };
    kiosk.waves.set(key, wave);
  }
  for (const sample of batch.samples) {
    wave.values[wave.next] = sample * batch.scale;
    wave.next = (wave.next + 1) % wave.values.length;
    wave.filled = Math.min(wave.filled + 1, wave.values.length);
  }
  requestAnimationFrame(() => drawWave(wave));
}

function drawWave(wave) {
  const { canvas, values, next, filled } = wave;
  const ctx = canvas.getContext('2d');
  const width = canvas.width;
  const height = canvas.height;
  ctx.clearRect(0, 0, width, height);
  if (filled < 2) {
    return;
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < filled; i++) {
    const v = values[(next - filled + i + values.length) % values.length];
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const span = max - min || 1;
  ctx.strokeStyle = '#0f766e';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < filled; i++) {
    const v = values[(next - filled + i + values.length) % values.length];
    const x = (i / (values.length - 1)) * width;
    const y = height - 4 - ((v - min) / span) * (height - 8);
    if (i === 0) {
      ctx.moveTo(x, y);
    } else {
      ctx.lineTo(x, y);
    }
  }
  ctx.stroke();
  wave.frames++;
  canvas.dataset.frames = wave.frames;
}

function markStale() {
  const now = Date.now();
  for (const kiosk of kiosks.values()) {
    for (const tile of kiosk.tiles.values()) {
      tile.classList.toggle('stale', now - Date.parse(tile.dataset.takenAt) > STALE_AFTER_MS);
    }
  }
}

setInterval(markStale, 5000);
connect();
