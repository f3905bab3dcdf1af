// Telekiosk: the doctor's page reads the call's getStats() once a second, feeds the ladder (ladder.js), and reports
// each sample and each rung change. The doctor may pin a rung; the ladder then stops moving until unpinned.

import { Ladder, sampleFromStats } from '/ladder.js';

export const SAMPLE_EVERY_MS = 1000;

export class LinkQuality {
  /**
   * @param call     the Call whose peer connection is read
   * @param handlers {onSample(sample, ladder), onChange({rung, reason, pinned})}
   */
  constructor(call, handlers) {
    this.call = call;
    this.handlers = handlers;
    this.ladder = new Ladder(performance.now());
    this.previous = null;
    this.pc = null;
    this.timer = null;
  }

  start() {
    this.timer ??= setInterval(() => this.tick().catch((e) => console.warn('stats failed', e)), SAMPLE_EVERY_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }

  /** A new call (admitted): the ladder starts again at full video, unless a rung is pinned. */
  restart() {
    const pinned = this.ladder.pinned;
    this.ladder = new Ladder(performance.now(), pinned ?? 'video');
    this.ladder.pinned = pinned;
    this.previous = null;
  }

  get rung() {
    return this.ladder.rung;
  }

  pin(rung) {
    const change = this.ladder.pin(rung || null, performance.now());
    if (change) {
      this.handlers.onChange({ ...change, pinned: !!rung });
    } else {
      this.handlers.onChange({ rung: this.ladder.rung, reason: rung ? 'pinned by the doctor' : 'unpinned',
        pinned: !!rung });
    }
  }

  async tick() {
    const pc = this.call.pc;
    if (!pc || pc.connectionState === 'new' || pc.connectionState === 'closed') {
      return;
    }
    if (pc !== this.pc) {
      this.pc = pc;
      this.previous = null;
      this.connected = false;
    }
    if (!this.connected) {
      // Judged only from the first connection on: setting up over a slow link is not a bad link.
      if (pc.connectionState !== 'connected') return;
      this.connected = true;
      this.ladder.connected(performance.now());
    }
    const report = await pc.getStats();
    const sample = sampleFromStats(this.previous, report);
    this.previous = report;
    const change = this.ladder.update(sample, performance.now());
    this.handlers.onSample(this.ladder.last, this.ladder);
    if (change) {
      this.handlers.onChange({ ...change, pinned: false });
    }
  }
}

// The rungs as the doctor reads them (German first); the reasons stay in the ladder's own terms (rtt, loss).
const RUNG_NAMES = {
  video: 'Video · video',
  'video-low': 'Video klein · small video',
  audio: 'nur Ton · audio only',
  text: 'nur Text und Messwerte · text and vitals only',
};

/** Shows the rung on the doctor's link line and on the page (body[data-rung] hides the pictures without video). */
export function renderRung(line, badge, rung, pinned) {
  line.dataset.rung = rung;
  line.dataset.pinned = String(pinned);
  document.body.dataset.rung = rung;
  badge.textContent = `Stufe · Rung: ${RUNG_NAMES[rung]}${pinned ? ' (festgelegt · pinned)' : ''}`;
}

/** The link as the ladder judged it over its window, German first. */
export function renderQuality(element, sample) {
  const parts = [];
  if (sample.rttMs != null) parts.push(`RTT ${Math.round(sample.rttMs)} ms`);
  if (sample.loss != null) parts.push(`Verlust · loss ${(sample.loss * 100).toFixed(1)} %`);
  if (sample.outKbps != null) parts.push(`${Math.round(sample.outKbps)} kbit/s`);
  if (sample.freezes) parts.push(`${sample.freezes} Standbilder · freezes`);
  if (!sample.flowing) parts.push('keine Medien · no media');
  element.textContent = `Verbindung · Link: ${parts.join(' · ')}`;
}
