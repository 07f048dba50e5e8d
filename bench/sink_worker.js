// The bench page's "worker" receiver (transfer.js, &sink=worker): chunks
// arrive as transferred ArrayBuffers, are hashed (sha256.js) and written
// through a synchronous OPFS access handle, all off the page's thread.
import { Sha256 } from "/sha256.js";

const sha = new Sha256();
let access = null;
let dir = null;
let name = "";
let at = 0;
const pending = [];

async function open(file) {
  name = file;
  dir = await navigator.storage.getDirectory();
  const handle = await dir.getFileHandle(name, { create: true });
  access = await handle.createSyncAccessHandle();
  for (const message of pending.splice(0)) take(message);
}

function take(data) {
  if (data.finish) {
    access.flush();
    access.close();
    dir.removeEntry(name).then(() => self.postMessage({ bytes: at, hex: sha.hex() }));
    return;
  }
  const bytes = new Uint8Array(data);
  sha.update(bytes);
  at += access.write(bytes, { at });
}

self.onmessage = (event) => {
  if (event.data && event.data.open) open(event.data.open);
  else if (!access) pending.push(event.data);
  else take(event.data);
};
