// Telekiosk text chat beside the call and as the ladder's last rung: lines go over the signaling socket to the other
// participant only (protocol/README.md, "chat"); nothing is stored, in the page or anywhere else, and a page reset
// forgets it. Received text goes into the page only via textContent.

import { showText } from '/signal.js';

export const MAX_CHAT_CHARS = 500;
const REFUSALS = {
  'chat-too-long': ['Die Nachricht ist zu lang (höchstens 500 Zeichen).', 'The message is too long (at most 500 characters).'],
  'chat-rate-limited': ['Bitte etwas langsamer schreiben.', 'Please write a little more slowly.'],
  'not-in-call': ['Nachrichten gehen erst im Gespräch.', 'Messages work only in the call.'],
  'not-delivered': ['Nicht zugestellt: die andere Seite ist gerade nicht verbunden.',
    'Not delivered: the other side is not connected right now.'],
};

export class Chat {
  /**
   * @param root   the chat section: an .chat-log list, a .chat-form with a .chat-text input, a .chat-error line
   * @param send   sends one signaling message
   * @param self   'doctor' or 'patient': whose lines are "mine"
   */
  constructor(root, send, self) {
    this.root = root;
    this.send = send;
    this.self = self;
    this.log = root.querySelector('.chat-log');
    this.input = root.querySelector('.chat-text');
    this.error = root.querySelector('.chat-error');
    this.input.maxLength = MAX_CHAT_CHARS;
    root.querySelector('.chat-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.error.textContent = '';
      this.send({ type: 'chat', text });
      this.append(this.self, text);
      this.input.value = '';
    });
  }

  /** Handles a signaling event; true if it was the chat's. */
  onEvent(event) {
    if (event.type === 'chat') {
      this.append(event.from, event.text);
      return true;
    }
    if (event.type === 'error' && REFUSALS[event.code]) {
      const [de, en] = REFUSALS[event.code];
      showText(this.error, de, en);
      [...this.log.querySelectorAll('li.mine')].pop()?.classList.add('refused');
      return true;
    }
    return false;
  }

  append(from, text) {
    this.root.classList.add('active');
    const item = document.createElement('li');
    item.className = from === this.self ? 'mine' : 'theirs';
    item.dataset.from = from;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = from === 'doctor' ? 'Ärztin/Arzt · Doctor: ' : 'Patient/in · Patient: ';
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    item.append(who, body);
    this.log.append(item);
    this.log.scrollTop = this.log.scrollHeight;
  }

  clear() {
    this.root.classList.remove('active');
    this.log.replaceChildren();
    this.error.textContent = '';
  }
}
