// Telekiosk call: one RTCPeerConnection between the doctor (who always offers) and the admitted patient (who
// answers), driven by signaling events. Media flows peer to peer (or through TURN); nothing is recorded.
// The call follows the degradation ladder's rung (media-rung.js): both sides apply the same one to their senders.

import { applyRung, withOpusFecAndDtx } from '/media-rung.js';

import { watchMediaPath } from '/mediareport.js';

/**
 * A restart that has not brought the media path back after this long (its answer applied) is made again. Each
 * restart gathers afresh, so its TURN requests start a new retransmission series: after a long cut, in which the
 * previous restart's requests were lost and backed off (or gave up), the next one reaches coturn soon after the link
 * returns.
 */
export const RESTART_RETRY_MS = 8000;
/** A restart the patient's page asks for within this long after one was made is that one (or its retry's). */
const RESTART_REQUEST_GRACE_MS = RESTART_RETRY_MS;

export class Call {
  /**
   * @param role   'doctor' or 'patient'
   * @param signal the Signal that carries offers, answers and candidates
   * @param remoteVideo the <video> element for the other side
   */
  constructor(role, signal, remoteVideo) {
    this.role = role;
    this.signal = signal;
    this.remoteVideo = remoteVideo;
    this.pc = null;
    this.stream = null;
    this.pendingCandidates = [];
    this.config = { iceServers: [], iceTransportPolicy: 'all' };
    this.rung = 'video';
    this.microphoneOn = true;
    this.restarting = false;
    this.lastRestartAt = -Infinity;
    this.retryTimer = null;
    /** Called with 'connecting', 'connected', 'interrupted' (disconnected, failed, or restarting after either). */
    this.onPathState = () => {};
  }

  /** Moves the call to a rung of the ladder: senders constrained or stopped, sound off on the text rung. */
  async setRung(rung) {
    this.rung = rung;
    this.updateMicrophone();
    this.remoteVideo.muted = rung === 'text';
    await applyRung(this.pc, rung);
  }

  updateMicrophone() {
    this.stream?.getAudioTracks().forEach((t) => { t.enabled = this.microphoneOn && this.rung !== 'text'; });
  }

  setLocalStream(stream) {
    this.stream = stream;
  }

  /**
   * The call starts, or its ICE servers are renewed. The patient's page gathers its candidates from here on (a pool
   * of one): on a rural link its TURN allocations (two round trips each, 300 ms and more under `edge`) then run while
   * the doctor's offer is still on its way, not after it arrived. The pool size stays the same for the call (a
   * change after the first description would be refused).
   */
  async admitted(event) {
    this.config = { iceServers: event.iceServers.map((s) => ({ urls: s.urls, username: s.username || undefined,
      credential: s.credential || undefined })), iceTransportPolicy: event.iceTransportPolicy,
    iceCandidatePoolSize: this.role === 'patient' ? 1 : 0 };
    if (!this.pc) {
      this.create();
      if (this.role === 'doctor') {
        await this.offer(false);
      }
    } else {
      this.pc.setConfiguration(this.config);
      if (this.role === 'doctor') {
        await this.offer(true);
      }
    }
  }

  create() {
    const pc = new RTCPeerConnection(this.config);
    this.pc = pc;
    this.pendingCandidates = [];
    if (this.stream) {
      for (const track of this.stream.getTracks()) {
        pc.addTrack(track, this.stream);
      }
    } else {
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
    }
    pc.addEventListener('track', (e) => {
      if (this.remoteVideo.srcObject !== e.streams[0]) {
        this.remoteVideo.srcObject = e.streams[0];
      }
    });
    pc.addEventListener('icecandidate', (e) => {
      const c = e.candidate;
      this.signal.send({ type: 'ice-candidate', candidate: c ? c.candidate : '', sdpMid: c?.sdpMid ?? '',
        sdpMLineIndex: c?.sdpMLineIndex ?? 0 });
    });
    this.mediaWatch = watchMediaPath(pc, (report) => this.signal.send(report) !== false);
    // Chromium (156) reports a media path that stopped answering for about 17 s as connectionState 'failed' while
    // iceConnectionState stays 'disconnected': both are watched. A failed path never comes back by itself (its
    // candidate pairs are gone), so the doctor restarts ICE and the patient asks for it.
    const watch = () => this.pathChanged(pc);
    pc.addEventListener('iceconnectionstatechange', watch);
    pc.addEventListener('connectionstatechange', watch);
    return pc;
  }

  pathChanged(pc) {
    if (pc !== this.pc) {
      return;
    }
    const ice = pc.iceConnectionState;
    const connection = pc.connectionState;
    if (connection === 'connected' && (ice === 'connected' || ice === 'completed')) {
      this.restarting = false;
      clearTimeout(this.retryTimer);
      this.onPathState('connected');
    } else if (connection === 'failed' || ice === 'failed') {
      this.onPathState('interrupted');
      this.restart();
    } else if (connection === 'disconnected' || ice === 'disconnected' || this.restarting) {
      this.onPathState('interrupted');
    } else {
      this.onPathState('connecting');
    }
  }

  /**
   * Asks for (patient) or makes (doctor) an ICE restart; {@code requested}: the doctor's page was asked by the
   * patient's.
   */
  async restart(requested = false) {
    if (this.role === 'doctor') {
      await this.restartIce({ requested });
    } else {
      this.signal.send({ type: 'ice-restart' });
    }
  }

  /**
   * The doctor's ICE restart: a new offer with fresh ICE credentials, then a watch that makes another one if the path
   * is not connected RESTART_RETRY_MS after it (once its answer has come). One restart at a time: while its offer
   * waits for an answer (the patient's signaling may be held up by the same cut), a second offer would be answered
   * out of turn.
   */
  async restartIce({ requested = false, retry = false } = {}) {
    const pc = this.pc;
    if (!pc || pc.connectionState === 'closed' || (this.restarting && !retry)) {
      return;
    }
    const now = performance.now();
    if (requested && now - this.lastRestartAt < RESTART_REQUEST_GRACE_MS) {
      return;
    }
    this.restarting = true;
    this.lastRestartAt = now;
    this.onPathState('interrupted');
    this.watchRestart(pc);
    await this.offer(true);
  }

  watchRestart(pc) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (pc !== this.pc || pc.connectionState === 'closed' || !this.restarting) {
        return;
      }
      if (pc.connectionState === 'connected') {
        this.pathChanged(pc);
      } else if (pc.signalingState !== 'stable') {
        this.watchRestart(pc); // the answer has not come yet: wait for it
      } else {
        this.restartIce({ retry: true });
      }
    }, RESTART_RETRY_MS);
  }

  async offer(iceRestart) {
    if (!this.pc || this.role !== 'doctor') {
      return;
    }
    if (this.pc.signalingState !== 'stable') {
      await this.pc.setLocalDescription({ type: 'rollback' });
    }
    const offer = await this.pc.createOffer({ iceRestart });
    await this.pc.setLocalDescription(offer);
    this.signal.send({ type: 'offer', sdp: this.pc.localDescription.sdp });
  }

  async onOffer(sdp) {
    if (!this.pc) {
      this.create();
    }
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp: withOpusFecAndDtx(sdp) });
    } catch (e) {
      // An offer from a new peer connection (the doctor reloaded): start over with a fresh one.
      this.pc.close();
      this.create();
      await this.pc.setRemoteDescription({ type: 'offer', sdp: withOpusFecAndDtx(sdp) });
    }
    await this.flushCandidates();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.signal.send({ type: 'answer', sdp: this.pc.localDescription.sdp });
    await applyRung(this.pc, this.rung);
  }

  async onAnswer(sdp) {
    if (this.pc && this.pc.signalingState === 'have-local-offer') {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: withOpusFecAndDtx(sdp) });
      await this.flushCandidates();
      await applyRung(this.pc, this.rung);
    }
  }

  async onCandidate(event) {
    const candidate = event.candidate === '' ? null
      : { candidate: event.candidate, sdpMid: event.sdpMid, sdpMLineIndex: event.sdpMLineIndex };
    if (!this.pc || !this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.add(candidate);
  }

  async flushCandidates() {
    const pending = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const candidate of pending) {
      await this.add(candidate);
    }
  }

  async add(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (e) {
      // A candidate of an earlier ICE generation: harmless.
    }
  }

  setMicrophone(on) {
    this.microphoneOn = on;
    this.updateMicrophone();
  }

  setCamera(on) {
    this.stream?.getVideoTracks().forEach((t) => { t.enabled = on; });
  }

  hangUp() {
    clearTimeout(this.retryTimer);
    this.restarting = false;
    this.pc?.close();
    this.pc = null;
    this.remoteVideo.srcObject = null;
  }

  /** For diagnostics and tests: decoded video frames and the connection state. */
  async videoStats() {
    if (!this.pc) {
      return { framesDecoded: 0, connectionState: 'none' };
    }
    let framesDecoded = 0;
    (await this.pc.getStats()).forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') {
        framesDecoded += report.framesDecoded || 0;
      }
    });
    return { framesDecoded, connectionState: this.pc.connectionState };
  }
}

/** Camera and microphone, or what of them the browser allows; never fails. */
export async function openCamera() {
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } }),
      camera: true, microphone: true };
  } catch (e) {
    try {
      return { stream: await navigator.mediaDevices.getUserMedia({ video: true }), camera: true, microphone: false };
    } catch (e2) {
      return { stream: null, camera: false, microphone: false };
    }
  }
}
