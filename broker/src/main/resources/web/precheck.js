// The kiosk page's pre-call check (issue 19), as a patient can follow it alone: the camera picture, the microphone
// level, a test tone for the speaker, and the connection to the broker (round trip to /healthz, a bandwidth estimate
// from downloading /probe.bin). Every result is said in plain German first, English second. Nothing is sent anywhere
// but to the broker: the readiness (camera: a picture was seen; microphone: sound was heard) and the results as the
// signaling message `check` (checkMessage below; protocol/README.md), which the doctor sees in the waiting room.

import { showText } from '/signal.js';

const PROBE_BYTES = 256 * 1024;
const LISTEN_MS = 3000;        // how long the microphone is listened to, at most
const LOOK_MS = 5000;          // how long the camera's frames are looked at before the picture counts as dark
const FIRST_FRAME_MS = 30000;  // how long the camera may take to deliver its first frame
const HEARD_LEVEL = 0.03;      // peak amplitude above which the microphone counts as hearing something

/** One line of the check: result 'pending' | 'ok' | 'warn' | 'fail', and its text. */
function line(id, result, de, en) {
  const item = document.getElementById(id);
  item.dataset.result = result;
  showText(item.querySelector('.text'), de, en);
}

export class PreCheck {
  /**
   * @param stream the camera and microphone stream (may be null: no devices or no permission)
   * @param media  {camera, microphone}: what permission was granted
   */
  constructor(stream, media) {
    this.stream = stream;
    this.media = media;
    this.audio = null;
    this.results = { picture: false, camera: 'unknown', sound: 'unknown', speaker: 'unknown', roundTripMillis: -1,
      downKbps: -1, reachable: false };
    this.stopped = false;
  }

  /** Runs every step; resolves to the results once the automatic steps are done (the speaker's answer may follow). */
  async run() {
    this.stopped = false;
    for (const id of ['check-camera', 'check-microphone', 'check-connection']) {
      line(id, 'pending', '… wird geprüft', '… checking');
    }
    line('check-speaker', 'pending', 'Lautsprecher: Tippen Sie auf „Testton“. Hören Sie den Ton?',
      'Speaker: tap “Test tone”. Can you hear it?');
    document.getElementById('check-video').srcObject = this.stream;
    this.startAudio();
    this.playTone();
    await Promise.all([this.checkCamera(), this.checkMicrophone(), this.checkConnection()]);
    return this.results;
  }

  stop() {
    this.stopped = true;
    document.getElementById('check-video').srcObject = null;
    this.audio?.close().catch(() => {});
    this.audio = null;
  }

  startAudio() {
    try {
      this.audio = new AudioContext();
      this.audio.resume().catch(() => {});
    } catch (e) {
      this.audio = null;
    }
  }

  async checkCamera() {
    if (!this.stream || !this.media.camera) {
      this.results.camera = 'unavailable';
      line('check-camera', 'fail', 'Kamera: nicht verfügbar. Bitte sagen Sie dem Personal Bescheid.',
        'Camera: not available. Please tell the staff.');
      return;
    }
    const video = document.getElementById('check-video');
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 24;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    // "Dark" is judged from frames the camera delivered (LOOK_MS of them), not from the clock: a busy kiosk whose
    // camera needs a few seconds for its first frame is not a covered camera. No frame at all in FIRST_FRAME_MS is.
    const started = performance.now();
    let firstFrame = null;
    while (!this.stopped) {
      const now = performance.now();
      if (video.readyState >= 2) {
        firstFrame ??= now;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        if (hasPicture(context.getImageData(0, 0, canvas.width, canvas.height).data)) {
          this.results.picture = true;
          this.results.camera = 'picture';
          line('check-camera', 'ok', 'Kamera: Wir sehen Ihr Bild. ✓', 'Camera: we can see your picture.');
          return;
        }
        if (now - firstFrame > LOOK_MS) {
          break;
        }
      } else if (now - started > FIRST_FRAME_MS) {
        break;
      }
      await pause(150);
    }
    if (this.stopped) {
      return;
    }
    this.results.camera = 'dark';
    if (firstFrame === null) {
      line('check-camera', 'fail', 'Kamera: Es kommt kein Bild an. Bitte sagen Sie dem Personal Bescheid.',
        'Camera: no picture arrives. Please tell the staff.');
    } else {
      line('check-camera', 'fail', 'Kamera: Das Bild bleibt dunkel. Ist die Kamera abgedeckt?',
        'Camera: the picture stays dark. Is the camera covered?');
    }
  }

  async checkMicrophone() {
    const meter = document.getElementById('mic-level');
    if (!this.stream || !this.media.microphone) {
      this.results.sound = 'none';
      line('check-microphone', 'fail', 'Mikrofon: nicht verfügbar. Bitte sagen Sie dem Personal Bescheid.',
        'Microphone: not available. Please tell the staff.');
      return;
    }
    line('check-microphone', 'pending', 'Mikrofon: Bitte sagen Sie etwas, zum Beispiel „Hallo“.',
      'Microphone: please say something, e.g. “hello”.');
    if (!this.audio || this.audio.state !== 'running') {
      // No running audio (no tap yet on this page): the level cannot be measured; the permission is there.
      this.results.sound = 'unmeasured';
      line('check-microphone', 'warn', 'Mikrofon: freigegeben. Die Lautstärke lässt sich hier nicht messen.',
        'Microphone: allowed. Its level cannot be measured here.');
      return;
    }
    const analyser = this.audio.createAnalyser();
    analyser.fftSize = 32768; // about 0.7 s: polled every 100 ms, no short sound falls between two looks
    const source = this.audio.createMediaStreamSource(this.stream);
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const until = performance.now() + LISTEN_MS;
    let peak = 0;
    while (!this.stopped && performance.now() < until) {
      analyser.getFloatTimeDomainData(samples);
      let level = 0;
      for (const s of samples) level = Math.max(level, Math.abs(s));
      peak = Math.max(peak, level);
      meter.value = Math.min(1, level * 2);
      if (peak > HEARD_LEVEL) {
        break;
      }
      await pause(100);
    }
    source.disconnect();
    meter.dataset.peak = peak.toFixed(4);
    this.results.sound = peak > HEARD_LEVEL ? 'heard' : 'silent';
    if (peak > HEARD_LEVEL) {
      line('check-microphone', 'ok', 'Mikrofon: Wir hören Sie. ✓', 'Microphone: we can hear you.');
    } else {
      line('check-microphone', 'warn', 'Mikrofon: Wir hören nichts. Bitte sprechen Sie lauter.',
        'Microphone: we hear nothing. Please speak up.');
    }
  }

  async checkConnection() {
    const trips = [];
    try {
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        const reply = await fetch('/healthz', { cache: 'no-store' });
        await reply.arrayBuffer();
        trips.push(performance.now() - start);
      }
      const start = performance.now();
      const probe = await (await fetch('/probe.bin', { cache: 'no-store' })).arrayBuffer();
      const seconds = Math.max(0.001, (performance.now() - start) / 1000);
      this.results.reachable = true;
      this.results.roundTripMillis = Math.min(600000, Math.round(Math.min(...trips)));
      this.results.downKbps = Math.min(10000000, Math.round(probe.byteLength * 8 / 1000 / seconds));
    } catch (e) {
      line('check-connection', 'fail', 'Verbindung: Der Server ist nicht erreichbar. Bitte sagen Sie dem Personal'
        + ' Bescheid.', 'Connection: the server cannot be reached. Please tell the staff.');
      return;
    }
    const { roundTripMillis: rtt, downKbps: kbps } = this.results;
    const figures = `Antwortzeit ${rtt} ms, etwa ${speed(kbps)}`;
    const figuresEn = `round trip ${rtt} ms, about ${speed(kbps)}`;
    if (rtt <= 400 && kbps >= 1000) {
      line('check-connection', 'ok', `Verbindung: gut (${figures}). ✓`, `Connection: good (${figuresEn}).`);
    } else if (kbps >= 300) {
      line('check-connection', 'warn', `Verbindung: langsam (${figures}). Das Bild kann ruckeln.`,
        `Connection: slow (${figuresEn}). The picture may stutter.`);
    } else {
      line('check-connection', 'warn', `Verbindung: sehr langsam (${figures}). Vielleicht nur Ton.`,
        `Connection: very slow (${figuresEn}). Perhaps sound only.`);
    }
  }

  /** Plays a short 440 Hz tone (needs running audio: after a tap on this page). */
  playTone() {
    if (!this.audio) {
      return false;
    }
    this.audio.resume().catch(() => {});
    if (this.audio.state !== 'running') {
      return false;
    }
    const tone = this.audio.createOscillator();
    const gain = this.audio.createGain();
    tone.frequency.value = 440;
    gain.gain.value = 0.2;
    tone.connect(gain).connect(this.audio.destination);
    tone.start();
    tone.stop(this.audio.currentTime + 1);
    return true;
  }

  /** The patient's answer to the test tone. */
  speaker(heard) {
    this.results.speaker = heard ? 'heard' : 'not-heard';
    if (heard) {
      line('check-speaker', 'ok', 'Lautsprecher: Sie hören den Ton. ✓', 'Speaker: you can hear the tone.');
    } else {
      line('check-speaker', 'warn', 'Lautsprecher: Sie hören nichts. Bitte Lautstärke prüfen oder das Personal fragen.',
        'Speaker: you hear nothing. Please check the volume or ask the staff.');
    }
  }
}

/**
 * The signaling message `check` (protocol version 2) for these results: the camera, the microphone (a level that
 * could not be measured is `unmeasured`; no device or permission `unavailable`), the patient's answer to the test
 * tone, and the connection (-1 and -1 when the broker was not reached).
 */
export function checkMessage(results) {
  const microphone = { heard: 'heard', silent: 'silent', unmeasured: 'unmeasured', none: 'unavailable' };
  const reached = results.reachable && results.roundTripMillis >= 0 && results.downKbps >= 0;
  return { type: 'check', result: {
    camera: results.camera,
    microphone: microphone[results.sound] || 'unknown',
    speaker: results.speaker,
    roundTripMillis: reached ? results.roundTripMillis : -1,
    downKbps: reached ? results.downKbps : -1,
  } };
}

function speed(kbps) {
  return kbps >= 1000 ? `${(kbps / 1000).toLocaleString('de-DE', { maximumFractionDigits: 1 })} Mbit/s`
    : `${kbps} kbit/s`;
}

/** A picture: not (nearly) black and not one flat colour. */
function hasPicture(rgba) {
  let sum = 0;
  let sumSq = 0;
  const n = rgba.length / 4;
  for (let i = 0; i < rgba.length; i += 4) {
    const y = 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
    sum += y;
    sumSq += y * y;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  return mean > 12 && variance > 4;
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
