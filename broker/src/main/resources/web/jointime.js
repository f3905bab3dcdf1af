// The patient page's join time, reported once as `join-time` (protocol/README.md): from the code entered (a kiosk's
// own page: from its call-in) to the call's media first connected, and from being admitted to then, both on the
// page's monotonic clock. The broker counts one report per seat in telekiosk_join_seconds and
// telekiosk_join_media_seconds (docs/operations.md); nothing else is kept of it.

/** The broker's limits (SignalRequest.JoinTime): a value beyond them is not sent at all. */
const MAX_MILLIS = 21600000;
const MAX_MEDIA_MILLIS = 1800000;

export class JoinTimer {
  constructor(now = () => performance.now()) {
    this.now = now;
    this.enteredAt = null;
    this.admittedAt = null;
    this.sent = false;
  }

  /** A code was entered (again: a mistyped one was refused) or the kiosk page asks to be called in. */
  entered() {
    if (!this.sent) {
      this.enteredAt = this.now();
      this.admittedAt = null;
    }
  }

  /** The doctor admitted this patient (the first time counts; a replay after a resume does not move it). */
  admitted() {
    if (this.admittedAt === null && this.enteredAt !== null) {
      this.admittedAt = this.now();
    }
  }

  /**
   * The media path is connected: sends the report through `send` (a Signal's send: false when the socket is not
   * open, then the next connected state tries again). Only the first connection of the page's seat is reported.
   */
  connected(send) {
    if (this.sent || this.enteredAt === null || this.admittedAt === null) {
      return;
    }
    const at = this.now();
    const millis = Math.round(at - this.enteredAt);
    const mediaMillis = Math.min(Math.round(at - this.admittedAt), millis);
    if (millis < 0 || mediaMillis < 0 || millis > MAX_MILLIS || mediaMillis > MAX_MEDIA_MILLIS) {
      this.sent = true; // not a join any more (a page left open for hours): nothing to report
      return;
    }
    this.sent = send({ type: 'join-time', millis, mediaMillis }) !== false;
  }
}
