// Telekiosk vitals in the doctor's call view: opens /ws/viewer, says hello with the login cookie for one
// consultation, and shows the readings of the kiosk whose patient is in that consultation's call (protocol/README.md,
// "Vitals WebSocket"). Tiles for SpO2, pulse, temperature, weight and blood pressure with the time taken, staleness
// and the configured ranges (GET /api/v1/vital-ranges); ECG and pleth scroll at the sensor's rate, drawn on
// requestAnimationFrame from a ring buffer with each sample's time from its batch.
// The kiosk's own page uses the same panel for its patient (options.patient): its kiosk page session instead of a
// consultation, plain German names, no range marks (no judgement shown to the patient), tiles only.
// Received text goes into the page only via textContent.

// lateAfterMs: a reading older than this is late, three periods of the sensor's documented rate (the agent's
// defaults in agent-defaults.properties: SpO2 and pulse every 5 s from the MAX30102 and the ECG, temperature and
// weight every 5 s); blood pressure is measured on request only, so it is never late, only old (staleAfterMs).
const TILES = [
  { key: 'spo2', loinc: ['59408-5'], de: 'SpO₂', en: 'SpO₂', digits: 0, lateAfterMs: 15000 },
  { key: 'pulse', loinc: ['8867-4'], de: 'Puls', en: 'Pulse', digits: 0, lateAfterMs: 15000 },
  { key: 'temperature', loinc: ['8310-5'], de: 'Temperatur', en: 'Temperature', digits: 1, lateAfterMs: 15000 },
  { key: 'weight', loinc: ['29463-7'], de: 'Gewicht', en: 'Weight', digits: 1, lateAfterMs: 15000 },
  { key: 'pressure', loinc: ['8480-6', '8462-4'], de: 'Blutdruck', en: 'Blood pressure', digits: 0, lateAfterMs: null },
];

/** A reading's age as the doctor reads it: "vor 12 s · 12 s ago", minutes from 2 min on. */
export function ageText(ageMs) {
  const seconds = Math.max(0, Math.floor(ageMs / 1000));
  return seconds < 120 ? `vor ${seconds} s · ${seconds} s ago`
    : `vor ${Math.floor(seconds / 60)} min · ${Math.floor(seconds / 60)} min ago`;
}
// What the patient reads on the kiosk's screen: plain German first, English second.
const PATIENT_NAMES = {
  spo2: { de: 'Sauerstoff im Blut', en: 'Blood oxygen' },
  pulse: { de: 'Puls', en: 'Pulse' },
  temperature: { de: 'Körpertemperatur', en: 'Body temperature' },
  weight: { de: 'Gewicht', en: 'Weight' },
  pressure: { de: 'Blutdruck', en: 'Blood pressure' },
};
const UNITS = { 'Cel': '°C', 'kg': 'kg', '%': '%', '/min': '/min', 'mm[Hg]': 'mmHg' };
const WAVES = { ecg: { de: 'EKG', en: 'ECG' }, pleth: { de: 'Pulskurve', en: 'Pleth' } };
const WINDOW_MS = 5000;   // seconds of waveform on screen
const DELAY_MS = 600;     // drawn this far behind the newest sample, so batches arrive before they are due

/**
 * The vitals panel of one consultation; `root` holds the tiles and canvases (see doctor.html). With
 * `{ patient: true }` it is the kiosk page's panel: `consultation` is unused, the socket says hello with the kiosk
 * credential (the kiosk page session cookie) and sees this kiosk while its patient is in a call.
 */
export class Vitals {
  constructor(root, consultation, options = {}) {
    this.root = root;
    this.consultation = consultation;
    this.patient = options.patient === true;
    this.onCommand = options.onCommand || (() => {});
    this.latest = new Map();  // loinc -> measurement
    this.waves = new Map();   // signal -> wave state
    this.ranges = {};
    this.staleAfterMs = 120000;
    this.retryMs = 1000;
    this.closed = false;
    this.now = () => Date.now(); // the page's clock; a test may move it
  }

  async start() {
    this.buildTiles();
    try {
      const response = await fetch('/api/v1/vital-ranges', { credentials: 'same-origin' });
      if (response.ok) {
        const body = await response.json();
        this.ranges = body.ranges || {};
        this.staleAfterMs = (body.staleAfterSeconds || 120) * 1000;
      }
    } catch (e) {
      console.warn('vital ranges unavailable', e);
    }
    this.connect();
    this.staleTimer = setInterval(() => this.renderAll(), 1000);
    const frame = () => {
      if (this.closed) return;
      for (const wave of this.waves.values()) drawWave(wave);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    window.telekiosk = Object.assign(window.telekiosk || {}, { vitals: this });
  }

  stop() {
    this.closed = true;
    clearInterval(this.staleTimer);
    this.socket?.close(1000, 'bye');
  }

  connect() {
    const socket = new WebSocket(`wss://${location.host}/ws/viewer`);
    this.socket = socket;
    const credential = this.patient ? { kind: 'kiosk', name: '' }
      : { kind: 'cookie', consultation: this.consultation };
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'hello', protocolVersion: 2,
      credential })));
    socket.addEventListener('message', (e) => this.onMessage(e.data));
    socket.addEventListener('close', (e) => {
      this.root.dataset.state = 'closed';
      // 4401/4403/4410 will not get better by retrying; anything else (1001 restart, 1012 node draining, network)
      // will: the balancer sends the new socket to a node that stays.
      if (this.closed || [4400, 4401, 4403, 4410].includes(e.code)) return;
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15000);
    });
  }

  onMessage(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    switch (msg.type) {
      case 'welcome': this.root.dataset.state = 'open'; this.retryMs = 1000; break;
      case 'reading': this.onReading(msg.measurement); break;
      case 'waveform': this.onWaveform(msg.batch); break;
      case 'status': break;
      case 'command': this.onCommand(msg); break;
      case 'error': console.warn('vitals refused', msg.code); break;
      default: break;
    }
  }

  buildTiles() {
    const tiles = this.root.querySelector('.vital-tiles');
    tiles.replaceChildren();
    for (const t of TILES) {
      const tile = document.createElement('div');
      tile.className = 'vital empty';
      tile.dataset.vital = t.key;
      const label = document.createElement('div');
      label.className = 'label';
      const name = this.patient ? PATIENT_NAMES[t.key] : t;
      label.textContent = `${name.de} · ${name.en}`;
      const value = document.createElement('div');
      value.className = 'value';
      const number = document.createElement('span');
      number.className = 'number';
      number.textContent = '–';
      const unit = document.createElement('span');
      unit.className = 'unit';
      value.append(number, ' ', unit);
      const meta = document.createElement('div');
      meta.className = 'meta';
      tile.append(label, value, meta);
      tiles.append(tile);
    }
  }

  onReading(m) {
    const old = this.latest.get(m.loinc);
    if (old && Date.parse(old.takenAt) > Date.parse(m.takenAt)) return;
    this.latest.set(m.loinc, m);
    const tile = TILES.find((t) => t.loinc.includes(m.loinc));
    if (tile) this.render(tile);
  }

  renderAll() {
    for (const t of TILES) this.render(t);
  }

  render(t) {
    const tile = this.root.querySelector(`[data-vital="${t.key}"]`);
    const readings = t.loinc.map((code) => this.latest.get(code));
    if (readings.every((r) => !r)) return;
    const format = (r) => r ? r.value.toLocaleString('de-DE',
      { minimumFractionDigits: t.digits, maximumFractionDigits: t.digits }) : '–';
    const shown = readings.find((r) => r);
    tile.querySelector('.number').textContent = readings.map(format).join(' / ');
    tile.querySelector('.unit').textContent = UNITS[shown.unit] ?? shown.unit;
    const outside = !this.patient && readings.some((r) => r && outsideRange(this.ranges[r.loinc], r.value));
    tile.classList.toggle('outside', outside);
    tile.classList.remove('empty');
    const newest = Math.max(...readings.filter((r) => r).map((r) => Date.parse(r.takenAt)));
    const age = this.now() - newest;
    const stale = age > this.staleAfterMs;
    // Honest staleness for the doctor: every tile says how old its reading is, and a late one greys and says so.
    const late = !this.patient && !stale && t.lateAfterMs !== null && age > t.lateAfterMs;
    tile.classList.toggle('stale', stale);
    tile.classList.toggle('late', late);
    tile.dataset.ageSeconds = String(Math.max(0, Math.floor(age / 1000)));
    const meta = tile.querySelector('.meta');
    const time = new Date(newest).toLocaleTimeString('de-DE');
    const parts = [this.patient ? `gemessen um ${time} · measured at ${time}` : `${time}, ${ageText(age)}`];
    if (late) parts.push('verspätet · late');
    if (stale && !this.patient) parts.push('veraltet · out of date');
    if (stale && this.patient) parts.push(ageText(age));
    if (outside) parts.push('außerhalb des Bereichs · outside range');
    meta.textContent = parts.join(' — ');
  }

  onWaveform(batch) {
    if (!this.root.querySelector('.vital-waves')) return; // the patient's panel shows values only
    let wave = this.waves.get(batch.signal);
    if (!wave) {
      const figure = document.createElement('figure');
      figure.className = 'vital-wave';
      figure.dataset.signal = batch.signal;
      const caption = document.createElement('figcaption');
      const name = WAVES[batch.signal] ?? { de: batch.signal, en: batch.signal };
      caption.textContent = `${name.de} · ${name.en}`;
      const canvas = document.createElement('canvas');
      canvas.width = 900;
      canvas.height = 120;
      figure.append(caption, canvas);
      this.root.querySelector('.vital-waves').append(figure);
      const capacity = Math.ceil(batch.sampleRate * (WINDOW_MS + DELAY_MS + 2000) / 1000);
      wave = { canvas, times: new Float64Array(capacity), values: new Float32Array(capacity), next: 0, filled: 0,
        anchorSample: 0, anchorPerf: 0, frames: 0 };
      this.waves.set(batch.signal, wave);
    }
    const start = Date.parse(batch.start);
    const step = 1000 / batch.sampleRate;
    batch.samples.forEach((sample, i) => {
      wave.times[wave.next] = start + i * step;
      wave.values[wave.next] = sample * batch.scale;
      wave.next = (wave.next + 1) % wave.values.length;
      wave.filled = Math.min(wave.filled + 1, wave.values.length);
    });
    // The sample clock runs with the page's clock; it is re-anchored only when it drifts, so the trace scrolls evenly.
    const newest = start + (batch.samples.length - 1) * step;
    const playhead = wave.anchorSample + (performance.now() - wave.anchorPerf);
    if (wave.anchorPerf === 0 || Math.abs(newest - DELAY_MS - playhead) > 1000) {
      wave.anchorSample = newest - DELAY_MS;
      wave.anchorPerf = performance.now();
    }
  }
}

function outsideRange(range, value) {
  return range !== undefined && (value < range.low || value > range.high);
}

function drawWave(wave) {
  const { canvas, times, values, filled } = wave;
  if (filled < 2) return;
  const ctx = canvas.getContext('2d');
  const width = canvas.width;
  const height = canvas.height;
  const end = wave.anchorSample + (performance.now() - wave.anchorPerf);
  const begin = end - WINDOW_MS;
  let min = Infinity;
  let max = -Infinity;
  const first = (wave.next - filled + values.length) % values.length;
  for (let k = 0; k < filled; k++) {
    const i = (first + k) % values.length;
    if (times[i] >= begin && times[i] <= end) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
  }
  ctx.clearRect(0, 0, width, height);
  if (min === Infinity) return;
  const span = max - min || 1;
  ctx.strokeStyle = '#0f766e';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let started = false;
  for (let k = 0; k < filled; k++) {
    const i = (first + k) % values.length;
    if (times[i] < begin || times[i] > end) continue;
    const x = ((times[i] - begin) / WINDOW_MS) * width;
    const y = height - 4 - ((values[i] - min) / span) * (height - 8);
    if (started) ctx.lineTo(x, y); else { ctx.moveTo(x, y); started = true; }
  }
  ctx.stroke();
  wave.frames++;
  canvas.dataset.frames = wave.frames;
}
