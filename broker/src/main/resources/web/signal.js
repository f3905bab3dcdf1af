// Telekiosk signaling client: one secure WebSocket to /ws/signal, as documented in protocol/README.md
// ("Signaling WebSocket"). Says hello, remembers the resume token and the last message number, reconnects with
// backoff after a drop and resumes (patients) or says hello again (doctors). Never logs tokens or codes.
// Speaks protocol version 2 (the pre-call check); a broker that answers 4400 (unsupported-version) before any welcome
// speaks only version 1: the page says hello again with version 1 and `protocolVersion` tells it not to send `check`.

// 1000 is final only after an 'ended' event: a close this page did not ask for is treated as a drop. 1001 (a broker
// stopping) and 1012 (its node draining before a stop, or the node holding the room gone: several nodes behind a
// balancer) are drops too: the page opens a new socket 500 ms later, which the balancer sends to a node that stays,
// and resumes there (a patient with its resume token, a doctor with its session), back in the call without admit.
const FINAL_CLOSES = new Set([1002, 1003, 1007, 1009, 4400, 4401, 4403, 4409, 4410, 4429]);
const PING_EVERY_MS = 10000;

export class Signal {
  /**
   * @param credential the first hello's credential ({kind:'cookie', consultation} or {kind:'code', code, name})
   * @param handlers   {onEvent(event), onStatus(state, code), onRoundTrip(ms)}
   */
  constructor(credential, handlers) {
    this.credential = credential;
    this.handlers = handlers;
    this.lastSeen = 0;
    this.resumeToken = null;
    this.socket = null;
    this.retryMs = 500;
    this.stopped = false;
    this.pings = new Map();
    this.pingTimer = null;
    this.roundTripMillis = -1;
    this.welcomes = 0;
    this.over = false;
    this.status = null;
    this.protocolVersion = 2; // what the next hello says; after a welcome, what the broker speaks with this page
  }

  start() {
    this.stopped = false;
    this.open();
  }

  open() {
    const socket = new WebSocket(`wss://${location.host}/ws/signal`);
    this.socket = socket;
    this.handlers.onStatus('connecting', 0);
    socket.addEventListener('open', () => {
      const credential = this.resumeToken
        ? { kind: 'resume', token: this.resumeToken, lastSeen: this.lastSeen }
        : this.credential;
      socket.send(JSON.stringify({ type: 'hello', protocolVersion: this.protocolVersion, credential }));
      this.ping();
      this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
    });
    socket.addEventListener('message', (e) => this.receive(JSON.parse(e.data)));
    socket.addEventListener('close', (e) => {
      clearInterval(this.pingTimer);
      if (this.socket !== socket) {
        return;
      }
      if (e.code === 4400 && this.protocolVersion > 1 && this.welcomes === 0 && !this.stopped) {
        this.protocolVersion = 1; // an older broker: once more in version 1
        this.open();
        return;
      }
      if (this.stopped || this.over || FINAL_CLOSES.has(e.code)) {
        this.handlers.onStatus('closed', e.code);
        return;
      }
      this.handlers.onStatus('reconnecting', e.code);
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 8000);
    });
  }

  receive(event) {
    if (event.type === 'error' && event.code === 'unsupported-version' && this.protocolVersion > 1
        && this.welcomes === 0) {
      return; // the close that follows makes the page say hello in version 1
    }
    if (event.type === 'welcome') {
      this.retryMs = 500;
      this.welcomes += 1;
      if (event.lastSeq < this.lastSeen) {
        this.lastSeen = event.lastSeq; // the broker numbers afresh (it forgot an idle room, or restarted)
      }
      this.status = event.status;
      this.protocolVersion = event.protocolVersion;
      if (event.resumeToken) {
        this.resumeToken = event.resumeToken;
      }
      this.handlers.onStatus('open', 0);
    } else if (event.type === 'pong') {
      const sent = this.pings.get(event.nonce);
      this.pings.delete(event.nonce);
      if (sent !== undefined) {
        this.roundTripMillis = Math.min(600000, Math.round(performance.now() - sent));
        this.handlers.onRoundTrip?.(this.roundTripMillis);
      }
      return;
    }
    if (event.type === 'ended') {
      this.over = true;
    }
    if (typeof event.seq === 'number') {
      if (event.seq <= this.lastSeen) {
        return; // already handled before a resume
      }
      this.lastSeen = event.seq;
    }
    this.handlers.onEvent(event);
  }

  ping() {
    const nonce = Math.random().toString(36).slice(2, 12) || 'p';
    this.pings.set(nonce, performance.now());
    this.send({ type: 'ping', nonce });
  }

  /** Sends if the socket is open; whether it was. */
  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  /** Leaves for good: no reconnect. */
  stop() {
    this.stopped = true;
    this.socket?.close(1000);
  }
}

/** Shows a status in German, then English. */
export function showText(element, de, en) {
  element.textContent = de + ' ';
  const span = document.createElement('span');
  span.lang = 'en';
  span.textContent = en;
  element.append(span);
}
