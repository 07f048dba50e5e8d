// Minimal plain-JavaScript file transfer over one RTCDataChannel, signaled
// through the relay at /ws. ?role=send|recv&room=…&chunk=…&high=…&low=…
// The receiver exposes window.result = {bytes, start, end} (epoch ms).
"use strict";
const params = new URLSearchParams(location.search);
const role = params.get("role");
const topic = "bench-js-" + params.get("room");
const chunk = Number(params.get("chunk") || 65536);
const high = Number(params.get("high") || 8388608);
const low = Number(params.get("low") || 2097152);
const me = Math.random().toString(36).slice(2);
const status = (text) => { document.getElementById("status").textContent = text; };
const ws = new WebSocket(`ws://${location.host}/ws`);
const pc = new RTCPeerConnection({ iceServers: [] });
const publish = (data) => ws.send(JSON.stringify({ type: "publish", topic, data: { from: me, ...data } }));
pc.onicecandidate = (e) => { if (e.candidate) publish({ candidate: e.candidate.toJSON() }); };
let channel = null;
let file = null;

ws.onopen = () => {
  ws.send(JSON.stringify({ type: "subscribe", topics: [topic] }));
  if (role === "recv") {
    const hello = setInterval(() => (channel ? clearInterval(hello) : publish({ ready: true })), 300);
  }
};
ws.onmessage = async (event) => {
  const frame = JSON.parse(event.data);
  if (frame.type !== "publish" || frame.topic !== topic || frame.data.from === me) return;
  const data = frame.data;
  if (data.ready && role === "send" && !channel) {
    channel = pc.createDataChannel("file", { ordered: true });
    setupSender(channel);
    await pc.setLocalDescription();
    publish({ description: pc.localDescription.toJSON() });
  } else if (data.description) {
    await pc.setRemoteDescription(data.description);
    if (data.description.type === "offer") {
      await pc.setLocalDescription();
      publish({ description: pc.localDescription.toJSON() });
    }
  } else if (data.candidate) {
    try { await pc.addIceCandidate(data.candidate); } catch (_) {}
  }
};

function setupSender(dc) {
  dc.binaryType = "arraybuffer";
  dc.bufferedAmountLowThreshold = low;
  const tryStart = () => { if (dc.readyState === "open" && file) send(dc, file); };
  dc.onopen = tryStart;
  document.getElementById("file").onchange = (e) => { file = e.target.files[0]; tryStart(); };
}

async function send(dc, f) {
  const max = pc.sctp && pc.sctp.maxMessageSize ? pc.sctp.maxMessageSize : 65536;
  const size = Math.min(chunk, max);
  dc.send(JSON.stringify({ size: f.size, start: Date.now() }));
  let offset = 0;
  while (offset < f.size) {
    if (dc.bufferedAmount > high) {
      await new Promise((resolve) => dc.addEventListener("bufferedamountlow", resolve, { once: true }));
    }
    const end = Math.min(offset + size, f.size);
    dc.send(await f.slice(offset, end).arrayBuffer());
    offset = end;
  }
  status("sent");
}

pc.ondatachannel = (event) => {
  channel = event.channel;
  channel.binaryType = "arraybuffer";
  let expected = 0, received = 0, start = 0;
  const parts = [];
  channel.onmessage = (e) => {
    if (typeof e.data === "string") {
      const header = JSON.parse(e.data);
      expected = header.size;
      start = header.start;
      return;
    }
    parts.push(e.data);
    received += e.data.byteLength;
    if (received === expected) {
      const blob = new Blob(parts);
      parts.length = 0;
      window.result = { bytes: blob.size, start, end: Date.now() };
      status("received " + blob.size);
    }
  };
};
