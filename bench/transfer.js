// Minimal plain-JavaScript file transfer over one RTCDataChannel, signaled
// through the relay at /ws. ?role=send|recv&room=…&chunk=…&high=…&low=…
// The receiver exposes window.result = {bytes, start, end} (epoch ms).
// &sink= says what the receiver does with the bytes: "memory" (default: an
// array of chunks, then one Blob; no hashing), "main" (SHA-256 and an OPFS
// write per chunk on the page, as peerlink's receiver does) or "worker"
// (each chunk transferred to sink_worker.js, which hashes it and writes it
// with a synchronous OPFS access handle); the last two add the digest.
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
  // Messages wait here while the sink opens (a worker, an OPFS file).
  let sink = null;
  const early = [];
  const take = async (data) => {
    if (typeof data === "string") {
      const header = JSON.parse(data);
      expected = header.size;
      start = header.start;
      return;
    }
    received += data.byteLength;
    sink.push(data);
    if (received === expected) {
      const { bytes, hex } = await sink.finish();
      window.result = { bytes, start, end: Date.now(), hex };
      status("received " + bytes);
    }
  };
  openSink(params.get("sink") || "memory").then((opened) => {
    sink = opened;
    for (const data of early.splice(0)) take(data);
  });
  channel.onmessage = (e) => (sink ? take(e.data) : early.push(e.data));
};

const sinkFile = "bench-" + me + ".bin";

async function openSink(kind) {
  if (kind === "worker") {
    const worker = new Worker("/sink_worker.js", { type: "module" });
    worker.postMessage({ open: sinkFile });
    const done = new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); });
    return {
      push: (buffer) => worker.postMessage(buffer, [buffer]),
      finish: () => { worker.postMessage({ finish: true }); return done; },
    };
  }
  if (kind === "main") {
    const { Sha256 } = await import("/sha256.js");
    const sha = new Sha256();
    const dir = await navigator.storage.getDirectory();
    const handle = await dir.getFileHandle(sinkFile, { create: true });
    const writable = await handle.createWritable();
    let written = Promise.resolve();
    let bytes = 0;
    return {
      push: (buffer) => {
        sha.update(new Uint8Array(buffer));
        bytes += buffer.byteLength;
        written = written.then(() => writable.write(buffer));
      },
      finish: async () => {
        await written;
        await writable.close();
        await dir.removeEntry(sinkFile);
        return { bytes, hex: sha.hex() };
      },
    };
  }
  const parts = [];
  return {
    push: (buffer) => parts.push(buffer),
    finish: async () => {
      const blob = new Blob(parts);
      parts.length = 0;
      return { bytes: blob.size };
    },
  };
}
