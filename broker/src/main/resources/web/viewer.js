// Telekiosk viewer: opens the secure WebSocket /ws/viewer and shows each kiosk's latest readings.
// The messages are documented in protocol/README.md ("Viewer WebSocket").
// DOM updates use textContent only: nothing received is ever parsed as HTML.

const LABELS = {
  '8310-5': { de: 'Körpertemperatur', en: 'Body temperature' },
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
    kiosk = { element: node, tiles: new Map() };
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
  tile.querySelector('.number').textContent = m.value.toLocaleString('de-DE',
    { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  tile.querySelector('.unit').textContent = UNITS[m.unit] ?? m.unit;
  const taken = tile.querySelector('.taken');
  taken.dateTime = m.takenAt;
  taken.textContent = new Date(m.takenAt).toLocaleTimeString('de-DE');
  tile.querySelector('.seq').textContent = `#${m.seq}`;
  tile.dataset.takenAt = m.takenAt;
  tile.classList.remove('stale');
  tile.classList.add('fresh');
  setTimeout(() => tile.classList.remove('fresh'), 600);
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
