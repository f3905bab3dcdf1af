// Measurement commands in the doctor's call view (issue 7): buttons that order a measurement at the kiosk in the
// call (POST /api/v1/consultations/{id}/commands) and the list of the consultation's commands with their state and
// result (GET …/commands, polled every second while one is queued or running). docs/api.md, "Measurement commands".
// Received text goes into the page only via textContent.

import { showText } from '/signal.js';

const KINDS = [
  { kind: 'blood-pressure', de: 'Blutdruck messen', en: 'Measure blood pressure' },
  { kind: 'weight', de: 'Gewicht messen', en: 'Measure weight' },
  { kind: 'temperature', de: 'Temperatur messen', en: 'Measure temperature' },
  { kind: 'ecg', de: 'EKG 30 s', en: 'ECG 30 s', durationSeconds: 30 },
];

export const STATES = {
  queued: ['wartet auf den Kiosk', 'queued'],
  running: ['läuft', 'running'],
  done: ['fertig', 'done'],
  failed: ['fehlgeschlagen', 'failed'],
  expired: ['abgelaufen', 'expired'],
};

const LABELS = {
  'blood-pressure': ['Blutdruck', 'Blood pressure'],
  weight: ['Gewicht', 'Weight'],
  temperature: ['Temperatur', 'Temperature'],
  ecg: ['EKG', 'ECG'],
};

const UNITS = { 'mm[Hg]': 'mmHg', Cel: '°C', kg: 'kg', '/min': '/min', '%': '%' };

/** The commands panel of one consultation; appended to {@code container}. */
export class Commands {
  constructor(consultationId, container) {
    this.id = consultationId;
    this.timer = null;
    this.section = document.createElement('section');
    this.section.id = 'commands';
    this.section.className = 'panel';
    const title = document.createElement('h2');
    showText(title, 'Messungen', '· Measurements');
    this.buttons = document.createElement('p');
    for (const k of KINDS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.kind = k.kind;
      showText(button, k.de, `· ${k.en}`);
      button.addEventListener('click', () => this.issue(k));
      this.buttons.append(button);
    }
    this.message = document.createElement('p');
    this.message.className = 'hint';
    this.message.setAttribute('role', 'status');
    this.list = document.createElement('ul');
    this.list.id = 'command-list';
    this.list.className = 'waiting';
    this.list.setAttribute('aria-live', 'polite');
    this.section.append(title, this.buttons, this.message, this.list);
    container.append(this.section);
    this.refresh();
  }

  async issue(k) {
    const body = { kind: k.kind };
    if (k.durationSeconds) {
      body.durationSeconds = k.durationSeconds;
    }
    const response = await fetch(`/api/v1/consultations/${this.id}/commands`, {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body) });
    if (response.status === 202) {
      this.message.textContent = '';
    } else {
      const problem = await response.json().catch(() => ({}));
      showText(this.message, `Messung nicht möglich (${response.status}).`,
        `Measurement not possible: ${problem.detail || response.status}`);
    }
    await this.refresh();
  }

  async refresh() {
    clearTimeout(this.timer);
    const response = await fetch(`/api/v1/consultations/${this.id}/commands`, { credentials: 'same-origin' });
    if (!response.ok) {
      return;
    }
    const { commands } = await response.json();
    this.render(commands);
    if (commands.some((c) => c.state === 'queued' || c.state === 'running')) {
      this.timer = setTimeout(() => this.refresh(), 1000);
    }
  }

  render(commands) {
    this.list.replaceChildren();
    for (const c of [...commands].reverse()) {
      const li = document.createElement('li');
      li.dataset.command = c.id;
      li.dataset.state = c.state;
      const [de, en] = STATES[c.state] || [c.state, c.state];
      const [kindDe, kindEn] = LABELS[c.kind] || [c.kind, c.kind];
      const results = (c.results || []).map((r) => `${r.value} ${UNITS[r.unit] || r.unit}`).join(', ');
      const extra = c.kind === 'ecg' && c.state === 'done'
        ? ` (${(c.resultSeqs || []).length} Abschnitte · segments)` : (results ? `: ${results}` : '');
      li.textContent = `${new Date(c.issuedAt).toLocaleTimeString('de-DE')} ${kindDe} · ${kindEn} — ${de} · ${en}`
        + extra + (c.reason ? ` (${c.reason})` : '');
      this.list.append(li);
    }
  }

  stop() {
    clearTimeout(this.timer);
  }
}
