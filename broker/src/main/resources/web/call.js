// Telekiosk call: one RTCPeerConnection between the doctor (who always offers) and the admitted patient (who
// answers), driven by signaling events. Media flows peer to peer (or through TURN); nothing is recorded.

import { watchMediaPath } from '/mediareport.js';

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
  }

  setLocalStream(stream) {
    this.stream = stream;
  }

  /** The call starts, or its ICE servers are renewed. */
  async admitted(event) {
    this.config = { iceServers: event.iceServers.map((s) => ({ urls: s.urls, username: s.username || undefined,
      credential: s.credential || undefined })), iceTransportPolicy: event.iceTransportPolicy };
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
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'failed') {
        this.restart();
      }
    });
    return pc;
  }

  /** Asks for (patient) or makes (doctor) an ICE restart. */
  async restart() {
    if (this.role === 'doctor') {
      await this.offer(true);
    } else {
      this.signal.send({ type: 'ice-restart' });
    }
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
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
    } catch (e) {
      // An offer from a new peer connection (the doctor reloaded): start over with a fresh one.
      this.pc.close();
      this.create();
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
    }
    await this.flushCandidates();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.signal.send({ type: 'answer', sdp: this.pc.localDescription.sdp });
  }

  async onAnswer(sdp) {
    if (this.pc && this.pc.signalingState === 'have-local-offer') {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
      await this.flushCandidates();
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
    this.stream?.getAudioTracks().forEach((t) => { t.enabled = on; });
  }

  setCamera(on) {
    this.stream?.getVideoTracks().forEach((t) => { t.enabled = on; });
  }

  hangUp() {
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
