// SHA-256 of a File off the main thread (src/rtc/transfer/hasher.rs).
// This one file is both the module the app imports (wasm-bindgen snippet,
// served from the app's own origin) and the module worker it starts: in a
// worker it answers {file, start, end} with {hex} (or {error}); the page
// side is `FileHasher`. The worker reads the File itself in 4 MiB slices,
// so no byte is copied between the page and the worker. It is also the
// receiver's sink (`ReceiveSink`): received chunks, transferred, are hashed
// and written to OPFS with synchronous access handles, off the page.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

class Sha256 {
  constructor() {
    this.h = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.w = new Int32Array(64);
    this.tail = new Uint8Array(64);
    this.tailLen = 0;
    this.total = 0;
  }

  blocks(bytes, off, count) {
    const w = this.w, h = this.h;
    let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7];
    for (let b = 0; b < count; b++, off += 64) {
      for (let i = 0; i < 16; i++) {
        const j = off + i * 4;
        w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
      for (let i = 16; i < 64; i++) {
        const a = w[i - 15], c = w[i - 2];
        const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        const s1 = ((c >>> 17) | (c << 15)) ^ ((c >>> 19) | (c << 13)) ^ (c >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let a = h0, b1 = h1, c = h2, d = h3, e = h4, f = h5, g = h6, k = h7;
      for (let i = 0; i < 64; i++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b1) ^ (a & c) ^ (b1 & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b1; b1 = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b1) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + k) | 0;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
  }

  update(bytes) {
    this.total += bytes.length;
    let off = 0;
    if (this.tailLen > 0) {
      const take = Math.min(64 - this.tailLen, bytes.length);
      this.tail.set(bytes.subarray(0, take), this.tailLen);
      this.tailLen += take;
      off = take;
      if (this.tailLen < 64) return;
      this.blocks(this.tail, 0, 1);
      this.tailLen = 0;
    }
    const whole = (bytes.length - off) >> 6;
    this.blocks(bytes, off, whole);
    off += whole * 64;
    this.tail.set(bytes.subarray(off), 0);
    this.tailLen = bytes.length - off;
  }

  clone() {
    const copy = new Sha256();
    copy.h.set(this.h);
    copy.tail.set(this.tail);
    copy.tailLen = this.tailLen;
    copy.total = this.total;
    return copy;
  }

  hex() {
    const bits = this.total * 8;
    const pad = new Uint8Array(((this.tailLen + 8) >> 6) * 64 + 64 - this.tailLen);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(pad.length - 4, bits >>> 0);
    this.update(pad);
    return Array.from(this.h, (x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
  }
}

const SLICE = 4 * 1024 * 1024;

async function hashFile(file, start, end) {
  const sha = new Sha256();
  for (let pos = start; pos < end; pos += SLICE) {
    const buffer = await file.slice(pos, Math.min(pos + SLICE, end)).arrayBuffer();
    sha.update(new Uint8Array(buffer));
  }
  return sha.hex();
}

// The sink, in the worker. `spec` is {dirs, name} (one OPFS file) or
// {dirs, manifest, kept} (segments of SEGMENT bytes named 0, 1, … and
// manifest.json as src/rtc/transfer/parts.rs writes them: a segment is
// counted in the manifest only once flushed and closed). A kept prefix is
// read back and hashed first. Work runs in order from one queue.
const SEGMENT = 16 * 1024 * 1024;
const ACK_EVERY = 4 * 1024 * 1024;

class Sink {
  constructor(spec) {
    this.spec = spec;
    this.sha = new Sha256();
    this.at = 0;
    this.segment = 0;
    this.access = null;
    this.written = 0;
    this.acked = 0;
    this.failed = null;
    this.queue = [];
    this.busy = false;
    this.run(async () => self.postMessage({ ready: true, prefix: await this.open() }));
  }

  run(job) {
    this.queue.push(job);
    if (!this.busy) this.pump();
  }

  async pump() {
    this.busy = true;
    while (this.queue.length) {
      const job = this.queue.shift();
      if (this.failed) continue;
      try {
        if (job instanceof ArrayBuffer) await this.write(new Uint8Array(job));
        else await job();
      } catch (err) {
        this.failed = String((err && err.name) || err);
        self.postMessage({ failed: this.failed });
      }
    }
    this.busy = false;
  }

  async open() {
    if (typeof FileSystemFileHandle.prototype.createSyncAccessHandle !== "function") {
      throw new Error("NoSyncAccessHandle");
    }
    let dir = await navigator.storage.getDirectory();
    for (const name of this.spec.dirs) dir = await dir.getDirectoryHandle(name, { create: true });
    this.dir = dir;
    if (!this.spec.manifest) {
      await this.handle(this.spec.name);
      return null;
    }
    const kept = this.spec.kept;
    const prefix = kept > 0 ? await this.hashKept(kept) : null;
    if (kept > 0 && prefix === null) return null;
    this.segment = kept / SEGMENT;
    await this.saveManifest(kept);
    return prefix;
  }

  async handle(name) {
    const file = await this.dir.getFileHandle(name, { create: true });
    this.access = await file.createSyncAccessHandle();
    this.access.truncate(0);
    this.at = 0;
  }

  async hashKept(kept) {
    for (let index = 0; index < kept / SEGMENT; index++) {
      const handle = await this.dir.getFileHandle(String(index)).catch(() => null);
      const file = handle && (await handle.getFile());
      if (!file || file.size !== SEGMENT) return null;
      for (let pos = 0; pos < SEGMENT; pos += SLICE) {
        this.sha.update(new Uint8Array(await file.slice(pos, pos + SLICE).arrayBuffer()));
      }
    }
    return this.sha.clone().hex();
  }

  async saveManifest(bytes) {
    const manifest = { ...this.spec.manifest, bytes, saved_ms: Date.now() };
    const file = await this.dir.getFileHandle("manifest.json", { create: true });
    const access = await file.createSyncAccessHandle();
    try {
      access.truncate(0);
      access.write(new TextEncoder().encode(JSON.stringify(manifest)), { at: 0 });
      access.flush();
    } finally {
      access.close();
    }
  }

  async write(bytes) {
    this.sha.update(bytes);
    const segmented = !!this.spec.manifest;
    for (let off = 0; off < bytes.length; ) {
      if (!this.access) await this.handle(String(this.segment));
      const take = segmented ? Math.min(bytes.length - off, SEGMENT - this.at) : bytes.length - off;
      if (this.access.write(bytes.subarray(off, off + take), { at: this.at }) !== take) {
        throw new Error("ShortWrite");
      }
      this.at += take;
      off += take;
      if (segmented && this.at === SEGMENT) {
        this.access.flush();
        this.access.close();
        this.access = null;
        this.segment += 1;
        this.at = 0;
        await this.saveManifest(this.segment * SEGMENT);
      }
    }
    this.written += bytes.length;
    if (this.written - this.acked >= ACK_EVERY) {
      this.acked = this.written;
      self.postMessage({ written: this.written });
    }
  }

  // Closes the last file; the manifest goes (the file is no partial now).
  async finish() {
    if (this.access) {
      this.access.flush();
      this.access.close();
      this.access = null;
    }
    if (!this.spec.manifest) return 1;
    await this.dir.removeEntry("manifest.json").catch(() => {});
    return this.segment + (this.at > 0 ? 1 : 0);
  }

  abort() {
    if (this.access) this.access.close();
    this.access = null;
    this.queue.length = 0;
  }

  // A request from the page, answered with {id, value} or {id, error};
  // an abort answers at once and drops the requests still queued (the
  // page rejects their waiters when the abort's answer comes).
  ask(kind, id) {
    const answer = (value) => self.postMessage({ id, value });
    const job = async () => {
      if (kind === "digest") answer(this.sha.clone().hex());
      else if (kind === "finish") answer(await this.finish());
    };
    if (kind === "abort") {
      this.abort();
      self.postMessage({ id, value: true, aborted: true });
    } else if (this.failed) {
      self.postMessage({ id, error: this.failed });
    } else {
      this.run(async () => {
        try {
          await job();
        } catch (err) {
          self.postMessage({ id, error: String((err && err.name) || err) });
          throw err;
        }
      });
    }
  }
}

const inWorker = typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope;
if (inWorker) {
  let sink = null;
  self.onmessage = async (event) => {
    const data = event.data;
    if (data instanceof ArrayBuffer) return sink && sink.run(data);
    if (data.sink) return void (sink = new Sink(data.sink));
    if (data.ask) {
      if (sink) sink.ask(data.ask, data.id);
      else self.postMessage({ id: data.id, error: "NoSink" });
      return;
    }
    const { file, start, end } = event.data;
    try {
      self.postMessage({ hex: await hashFile(file, start, end) });
    } catch (err) {
      self.postMessage({ error: String((err && err.name) || err) });
    }
  };
}

/// The page side: hashes [start, end) of `file` in a module worker started
/// from this very file. `digest()` resolves to hex, or rejects (then the
/// caller hashes on the main thread); `stop()` ends the worker.
export class FileHasher {
  constructor(file, start, end) {
    this.worker = new Worker(new URL(import.meta.url), { type: "module" });
    this.done = new Promise((resolve, reject) => {
      this.worker.onmessage = (event) => {
        if (event.data.hex) resolve(event.data.hex);
        else reject(new Error(event.data.error || "hash failed"));
        this.stop();
      };
      this.worker.onerror = (event) => {
        reject(new Error(event.message || "worker failed"));
        this.stop();
      };
    });
    this.worker.postMessage({ file, start, end });
  }

  digest() {
    return this.done;
  }

  stop() {
    if (this.worker) {
      this.worker.terminate();
      this.worker = null;
    }
  }
}

/// The page side of the receiver's sink. `opened()` resolves to the kept
/// prefix's hex digest (or null) once the worker can write, and rejects
/// when it cannot (the caller keeps the main-thread path). `push`
/// transfers a chunk (the page keeps no copy); `ask` sends a request
/// ("digest", "finish", "abort") answered by id. The worker acks what
/// it wrote, so `inFlight()` is what it still holds.
export class ReceiveSink {
  constructor(spec) {
    this.worker = new Worker(new URL(import.meta.url), { type: "module" });
    this.sent = 0;
    this.written = 0;
    this.peak = 0;
    this.failed = null;
    // Requests not answered yet, by id.
    this.waiting = new Map();
    this.asked = 0;
    this.ready = new Promise((resolve, reject) => (this.readyCalls = { resolve, reject }));
    this.ready.catch(() => {});
    this.worker.onmessage = (event) => this.on(event.data);
    this.worker.onerror = (event) => this.fail((event && event.message) || "WorkerFailed");
    this.worker.postMessage({ sink: spec });
  }

  on(data) {
    if (data.written !== undefined) this.written = data.written;
    else if (data.failed !== undefined) this.fail(data.failed);
    else if (data.ready) this.readyCalls.resolve(data.prefix);
    else if (data.id !== undefined) {
      const next = this.waiting.get(data.id);
      this.waiting.delete(data.id);
      if (next && data.error !== undefined) next.reject(new Error(data.error));
      else if (next) next.resolve(data.value);
      // The worker dropped what was queued before the abort.
      if (data.aborted) this.rejectWaiting("Aborted");
    }
  }

  rejectWaiting(reason) {
    for (const next of this.waiting.values()) next.reject(new Error(reason));
    this.waiting.clear();
  }

  fail(reason) {
    if (this.failed === null) this.failed = String(reason);
    this.readyCalls.reject(new Error(this.failed));
    this.rejectWaiting(this.failed);
  }

  opened() {
    return this.ready;
  }

  push(buffer) {
    this.sent += buffer.byteLength;
    this.worker.postMessage(buffer, [buffer]);
    this.peak = Math.max(this.peak, this.sent - this.written);
  }

  inFlight() {
    return this.sent - this.written;
  }

  failure() {
    return this.failed;
  }

  ask(kind) {
    if (this.failed !== null || !this.worker) return Promise.reject(new Error(this.failed || "stopped"));
    const id = ++this.asked;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ask: kind, id });
    });
  }

  stop() {
    if (this.worker) {
      this.worker.terminate();
      this.worker = null;
    }
  }
}

/// The same hash on the calling thread (for tests comparing both paths).
export function hashHere(file, start, end) {
  return hashFile(file, start, end);
}
