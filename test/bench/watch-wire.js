// A watch stream as the engine's reflector meets it on the wire, shared by the benches that feed
// one (watch-ingest.js, burst-engine.js, watch-deletions.js) so all three measure the same thing.

const socketRead = 64 * 1024;

/**
 * Hands `bytes` (newline-delimited watch events) to `onData` as Node's http client hands on an
 * API server's watch: one call per event (the server flushes each as an HTTP chunk of its own),
 * a 64 KB socket read at a time, the event loop free between reads. Resolves on the turn after
 * the last read, by when a reflector has taken every event (it takes a turn's events on that turn).
 */
export async function feedWatch(bytes, onData, signal = null) {
  let at = 0;
  while (at < bytes.length && !signal?.aborted) {
    const end = Math.min(at + socketRead, bytes.length);
    while (at < end) {
      const newline = bytes.indexOf(10, at);
      const next = newline < 0 ? bytes.length : newline + 1;
      onData(bytes.subarray(at, next));
      at = next;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
