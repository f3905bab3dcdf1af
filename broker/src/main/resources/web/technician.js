// Telekiosk technician page: log in (POST /api/v1/session sets the tk_session cookie), see the fleet
// (GET /api/v1/kiosks), create a one-time enrollment token (POST /api/v1/kiosks/{id}/enrollment-tokens: shown once,
// as one line to copy and as a QR code the broker encoded), and revoke a kiosk after a confirmation
// (POST /api/v1/kiosks/{id}/revocation). docs/api.md and docs/provisioning.md. Received text goes into the page
// only via textContent.

import { showText } from '/signal.js';
import { api, mountLogin } from '/login.js';

const $ = (id) => document.getElementById(id);
const REFRESH_MILLIS = 10_000;
let refresh = null;

function showSignedIn(signedIn) {
  $('login').classList.toggle('hidden', signedIn);
  $('fleet').classList.toggle('hidden', !signedIn);
  $('enroll').classList.toggle('hidden', !signedIn);
  $('logout').classList.toggle('hidden', !signedIn);
  if (!signedIn) {
    clearInterval(refresh);
    refresh = null;
    $('token-result').classList.add('hidden');
    $('token-line').value = '';
  }
}

async function start() {
  const me = await api('GET', '/api/v1/me');
  if (!me.ok) {
    showSignedIn(false);
    return;
  }
  await signedIn((await me.json()).account);
}

async function signedIn(account) {
  if (account.role !== 'technician') {
    showSignedIn(false);
    showText($('login-error'), 'Diese Seite ist nur für Technikerinnen und Techniker.',
      'This page is for technicians only.');
    return;
  }
  showSignedIn(true);
  showText($('status'), `Angemeldet als ${account.displayName}.`, `Logged in as ${account.displayName}.`);
  await loadFleet();
  refresh = refresh || setInterval(loadFleet, REFRESH_MILLIS);
}

mountLogin($('login'), (session) => signedIn(session.account));

$('logout').addEventListener('click', async () => {
  await api('DELETE', '/api/v1/session');
  showSignedIn(false);
  showText($('status'), 'Abgemeldet.', 'Logged out.');
});

const dateTime = (iso) => (iso ? new Date(iso).toLocaleString('de-DE') : '–');

async function loadFleet() {
  const response = await api('GET', '/api/v1/kiosks');
  if (response.status === 401) {
    showSignedIn(false);
    showText($('status'), 'Sitzung abgelaufen; bitte anmelden.', 'Session over; please log in.');
    return;
  }
  if (!response.ok) {
    showText($('status'), `Kioskliste nicht verfügbar (${response.status}).`,
      `Kiosk list unavailable (${response.status}).`);
    return;
  }
  renderFleet((await response.json()).kiosks);
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  return td;
}

const SENSOR_STATES = {
  present: 'bereit · ready',
  absent: 'fehlt · absent',
  faulty: 'gestört · faulty',
};

/**
 * The broker's own counts of a kiosk's readings kept aside: refused (quarantined on the kiosk), conflicts, and
 * publishes refused over the kiosk's quota since the broker started (a flooding kiosk; it sends them again later).
 */
function asideLines(kiosk) {
  const lines = [];
  if (kiosk.overQuota > 0) {
    const flood = document.createElement('div');
    flood.className = 'over-quota';
    flood.textContent = `${kiosk.overQuota} Sendungen über dem Kontingent abgewiesen · publishes over quota refused`;
    lines.push(flood);
  }
  if (kiosk.refused > 0) {
    const refused = document.createElement('div');
    refused.className = 'refused';
    refused.textContent = `${kiosk.refused} Messwerte abgewiesen · readings refused`;
    lines.push(refused);
  }
  if (kiosk.conflicts > 0) {
    const conflicts = document.createElement('div');
    conflicts.className = 'conflicts';
    conflicts.textContent = `${kiosk.conflicts} Konflikte (Nummer schon belegt) · conflicts (number already used)`;
    lines.push(conflicts);
  }
  return lines;
}

const AGENT_STATES = {
  running: 'läuft · running',
  deferred: 'Update wartet (Messung läuft) · update deferred (measuring)',
  installing: 'Update wird installiert · update installing',
  installed: 'aktualisiert · updated',
  refused: 'Update abgewiesen · update refused',
  failed: 'Update fehlgeschlagen · update failed',
  rolled_back: 'Update zurückgenommen · update rolled back',
};

/** The agent's version and update state as it last reported; a refused, failed or rolled-back package in red. */
function agentLines(kiosk) {
  const agent = kiosk.agent;
  if (!agent) {
    return [];
  }
  const lines = [];
  const version = document.createElement('div');
  version.className = 'agent';
  version.textContent = `Agent ${agent.version} (${agent.architecture}): ${AGENT_STATES[agent.state] ?? agent.state}`;
  lines.push(version);
  if (agent.problem) {
    const problem = document.createElement('div');
    problem.className = 'refused agent-problem';
    const why = agent.problem.reason ? ` [${agent.problem.reason}]` : '';
    problem.textContent = `Update ${agent.problem.offered}: ${AGENT_STATES[agent.problem.state] ?? agent.problem.state}`
      + `${why} ${agent.problem.detail}`;
    lines.push(problem);
  }
  return lines;
}

/**
 * What the kiosk last reported: each sensor's state, readings queued and lost, an outbox fault; and what the broker
 * kept aside of its readings.
 */
function reportCell(report, kiosk) {
  const td = document.createElement('td');
  td.className = 'report';
  if (!report) {
    td.append('noch kein Bericht · no report yet', ...asideLines(kiosk), ...agentLines(kiosk));
    return td;
  }
  const lines = [];
  for (const s of report.sensors) {
    const line = document.createElement('div');
    line.className = `sensor ${s.state}`;
    line.textContent = `${s.sensor}: ${SENSOR_STATES[s.state] ?? s.state}${s.detail ? ` (${s.detail})` : ''}`;
    lines.push(line);
  }
  const queue = document.createElement('div');
  queue.className = 'queued';
  queue.textContent = `${report.queued} wartend · queued`;
  lines.push(queue);
  if (report.dropped > 0) {
    const lost = document.createElement('div');
    lost.className = 'dropped';
    lost.textContent = `${report.dropped} Messwerte verloren · readings lost`;
    lines.push(lost);
  }
  if (report.outboxFault) {
    const fault = document.createElement('div');
    fault.className = 'outbox-fault';
    fault.textContent = `Speicherfehler beim Start · outbox fault at start: ${report.outboxFault}`;
    lines.push(fault);
  }
  lines.push(...asideLines(kiosk), ...agentLines(kiosk));
  const at = document.createElement('div');
  at.className = 'hint';
  at.textContent = `Stand · as of ${dateTime(report.sentAt)}`;
  lines.push(at);
  td.append(...lines);
  return td;
}

function renderFleet(kiosks) {
  const rows = $('fleet-rows');
  rows.replaceChildren();
  $('fleet-empty').classList.toggle('hidden', kiosks.length > 0);
  for (const k of kiosks) {
    const tr = document.createElement('tr');
    tr.dataset.kiosk = k.id;
    tr.classList.toggle('revoked', k.revoked);
    tr.append(cell(k.id, 'id'), cell(k.label),
      cell(k.online ? '● verbunden · online' : '○ getrennt · offline', k.online ? 'online' : 'offline'),
      cell(dateTime(k.certificateExpiresAt)), cell(dateTime(k.lastSeen)),
      cell(k.revoked ? `widerrufen · revoked ${dateTime(k.revokedAt)}` : 'vertraut · trusted', 'state'),
      reportCell(k.report, k));
    const actions = document.createElement('td');
    const token = document.createElement('button');
    token.type = 'button';
    token.className = 'new-token';
    token.textContent = 'Neues Token · New token';
    token.addEventListener('click', () => {
      $('token-kiosk').value = k.id;
      $('token-label').value = k.label;
      $('token-label').focus();
    });
    actions.append(token);
    if (!k.revoked) {
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.className = 'revoke danger';
      revoke.textContent = 'Widerrufen · Revoke';
      revoke.addEventListener('click', () => askToRevoke(k.id));
      actions.append(revoke);
    }
    tr.append(actions);
    rows.append(tr);
  }
}

$('token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const kiosk = $('token-kiosk').value.trim();
  const response = await api('POST', `/api/v1/kiosks/${encodeURIComponent(kiosk)}/enrollment-tokens`,
    { label: $('token-label').value.trim() });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    showText($('token-error'), `Kein Token erzeugt: ${problem.detail || response.status}`,
      `No token created: ${problem.detail || response.status}`);
    return;
  }
  $('token-error').textContent = '';
  const issued = await response.json();
  $('token-for').textContent = issued.kioskId;
  $('token-line').value = issued.token;
  showText($('token-expiry'), `Gültig bis ${dateTime(issued.expiresAt)}, einmal verwendbar.`,
    `Valid until ${dateTime(issued.expiresAt)}, single use.`);
  drawQr($('token-qr'), issued.qrCode);
  $('token-result').classList.remove('hidden');
});

$('token-copy').addEventListener('click', async () => {
  const line = $('token-line');
  line.select();
  try {
    await navigator.clipboard.writeText(line.value);
    showText($('status'), 'Token kopiert.', 'Token copied.');
  } catch {
    showText($('status'), 'Bitte mit Strg+C kopieren.', 'Please copy with Ctrl+C.');
  }
});

/** Draws rows of '1' (dark) and '0' (light) modules with the quiet zone of four modules (ISO/IEC 18004 §6.3.8). */
function drawQr(canvas, rows) {
  const quiet = 4;
  const scale = 6;
  const side = (rows.length + 2 * quiet) * scale;
  canvas.width = side;
  canvas.height = side;
  canvas.dataset.modules = String(rows.length);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, side, side);
  g.fillStyle = '#000';
  rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (row[x] === '1') {
        g.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
      }
    }
  });
}

function askToRevoke(kiosk) {
  $('revoke-kiosk').textContent = kiosk;
  $('revoke-dialog').dataset.kiosk = kiosk;
  $('revoke-dialog').showModal();
}

$('revoke-dialog').addEventListener('close', async () => {
  const dialog = $('revoke-dialog');
  if (dialog.returnValue !== 'revoke') {
    return;
  }
  dialog.returnValue = '';
  const kiosk = dialog.dataset.kiosk;
  const response = await api('POST', `/api/v1/kiosks/${encodeURIComponent(kiosk)}/revocation`);
  if (response.ok) {
    showText($('status'), `Kiosk ${kiosk} widerrufen.`, `Kiosk ${kiosk} revoked.`);
  } else {
    showText($('status'), `Widerruf fehlgeschlagen (${response.status}).`, `Revocation failed (${response.status}).`);
  }
  await loadFleet();
});

start();
