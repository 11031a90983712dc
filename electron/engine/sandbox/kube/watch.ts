import type { ServerResponse } from 'node:http';
import type { ResourceType } from './resources.js';
import type { Change, ObjectStore } from './store.js';
import type { Predicate } from './selectors.js';
import { gone } from './status.js';
import type { KubeObject } from './types.js';

/**
 * A watch stream: newline-delimited `{"type","object"}` events over a chunked response, with
 * the API server's resourceVersion contract
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes):
 * no resourceVersion (or "0") starts with a synthetic ADDED per existing object; a version
 * replays what happened after it, or answers 410 Expired when history no longer reaches it;
 * an object that stops matching the selectors is DELETED for this watcher, one that starts
 * matching is ADDED.
 */

export interface WatchRequest {
  store: ObjectStore;
  resource: ResourceType;
  storeKey: string;
  namespace: string | undefined;
  matches: Predicate;
  resourceVersion: string | null;
  allowBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number;
  /** Renders an object for the stream (a Table row when the client asked for tables). */
  render: (obj: KubeObject, json: () => string) => string;
}

const BOOKMARK_INTERVAL_MS = 10_000;
/** A watcher this far behind is cut off, as kube-apiserver drops watchers that cannot keep up. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export function serveWatch(res: ServerResponse, w: WatchRequest, onClose: (close: () => void) => void): void {
  const { store } = w;
  const inScope = (obj: KubeObject) => w.namespace === undefined || obj.metadata.namespace === w.namespace;
  const visible = (obj: KubeObject | undefined) => !!obj && inScope(obj) && w.matches(obj);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  // Clients (fetch-based ones especially) wait for the headers before reading events; send them now, not with the first event.
  res.flushHeaders();

  let closed = false;
  const write = (line: string): void => {
    if (closed) return;
    res.write(line);
    if (res.writableLength > MAX_BUFFERED_BYTES) close();
  };
  const event = (type: string, obj: KubeObject, json: () => string) => write(`{"type":"${type}","object":${w.render(obj, json)}}\n`);
  const bookmark = (annotations?: Record<string, string>) => {
    const meta = { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) };
    write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: w.resource.kind, apiVersion: w.resource.group ? `${w.resource.group}/${w.resource.version}` : w.resource.version, metadata: meta } })}\n`);
  };

  const deliver = (change: Change): void => {
    if (change.resource !== w.storeKey) return;
    const json = () => (change.json ??= JSON.stringify(change.object));
    const now = visible(change.object);
    if (change.type === 'ADDED') {
      if (now) event('ADDED', change.object, json);
    } else if (change.type === 'DELETED') {
      if (visible(change.previous) || now) event('DELETED', change.object, json);
    } else {
      const before = visible(change.previous);
      if (before && now) event('MODIFIED', change.object, json);
      else if (now) event('ADDED', change.object, json);
      else if (before) event('DELETED', change.object, json);
    }
  };

  const rv = w.resourceVersion;
  const fromNow = rv === null || rv === '' || rv === '0';
  let unsubscribe: () => void = () => {};
  if (fromNow || w.sendInitialEvents) {
    if (w.sendInitialEvents !== false) {
      for (const entry of store.entries(w.storeKey, w.resource.namespaced ? w.namespace : undefined)) {
        if (visible(entry.obj)) event('ADDED', entry.obj, () => store.json(entry));
      }
    }
    if (w.sendInitialEvents && w.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    unsubscribe = store.subscribe(deliver);
  } else {
    const since = Number(rv);
    const history = Number.isFinite(since) ? store.changesSince(since) : 'expired';
    if (history === 'expired') {
      const status = gone(`too old resource version: ${rv} (${store.oldestWatchableRv})`).toStatus();
      write(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      res.end();
      return;
    }
    for (const change of history) deliver(change);
    unsubscribe = store.subscribe(deliver);
  }

  const bookmarks = w.allowBookmarks ? setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS) : undefined;
  const timeout = setTimeout(() => {
    if (w.allowBookmarks) bookmark();
    close();
  }, w.timeoutSeconds * 1000);
  function close(): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    if (bookmarks) clearInterval(bookmarks);
    clearTimeout(timeout);
    res.end();
  }
  res.on('close', close);
  onClose(close);
}
