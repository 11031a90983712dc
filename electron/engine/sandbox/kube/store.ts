import type { SeededRandom } from '../world/random.js';
import { rfc3339 } from './time.js';
import type { KubeObject } from './types.js';

/**
 * One cluster's objects: what etcd plus the watch cache are to a real API server. A single
 * resourceVersion counter per cluster orders every change; a bounded history of changes lets
 * watches resume from a resourceVersion, and anything older than the history is "too old"
 * (410), exactly the contract reflectors are written against.
 *
 * Stored objects are never mutated in place: a change replaces the object, so an object
 * handed to a watcher or kept in history stays as it was. Each entry caches its JSON, so
 * serving a 20,000-pod list is a string join, not 20,000 stringify calls.
 */

export interface Entry {
  readonly key: string;
  obj: KubeObject;
  json: string | undefined;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  type: ChangeType;
  resource: string;
  rv: number;
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED). */
  previous: KubeObject | undefined;
  /** Cached JSON of `object`, filled on first use and shared by every watcher. */
  json?: string;
}

export interface WriteOptions {
  /** dryRun=All: validate and compute the result, persist nothing. */
  dryRun?: boolean;
}

export class Conflict extends Error {}

const HISTORY_CAPACITY = 20_000;

class Collection {
  readonly entries = new Map<string, Entry>();
  private sorted: string[] | null = null;
  readonly byOwner = new Map<string, Set<string>>();

  sortedKeys(): string[] {
    if (!this.sorted) this.sorted = [...this.entries.keys()].sort();
    return this.sorted;
  }

  invalidateOrder(): void {
    this.sorted = null;
  }
}

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller)?.uid;
}

export class ObjectStore {
  private rv = 1;
  private readonly collections = new Map<string, Collection>();
  private readonly history: Change[] = [];
  private historyStart = 0;
  /** Changes with rv <= this are gone from history; a watch from before it is too old. */
  private compactedRv: number;
  private readonly listeners = new Set<(change: Change) => void>();

  constructor(
    readonly cluster: string,
    private readonly random: SeededRandom,
    private readonly clock: () => number,
  ) {
    this.compactedRv = this.rv;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch may still start from. */
  get oldestWatchableRv(): number {
    return this.compactedRv;
  }

  newUid(): string {
    return this.random.uuid();
  }

  nameSuffix(length = 5): string {
    return this.random.suffix(length);
  }

  private collection(resource: string): Collection {
    let c = this.collections.get(resource);
    if (!c) {
      c = new Collection();
      this.collections.set(resource, c);
    }
    return c;
  }

  get<T extends KubeObject = KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    return this.collection(resource).entries.get(objectKey(namespace, name))?.obj as T | undefined;
  }

  entry(resource: string, namespace: string | undefined, name: string): Entry | undefined {
    return this.collection(resource).entries.get(objectKey(namespace, name));
  }

  count(resource: string): number {
    return this.collection(resource).entries.size;
  }

  /** Entries in etcd key order (namespace, then name), optionally one namespace, from after `afterKey`. */
  *entries(resource: string, namespace?: string, afterKey?: string): Generator<Entry> {
    const c = this.collection(resource);
    const keys = c.sortedKeys();
    const prefix = namespace === undefined ? '' : `${namespace}/`;
    let start = lowerBound(keys, afterKey !== undefined && afterKey >= prefix ? `${afterKey}\u0000` : prefix);
    for (; start < keys.length; start++) {
      const key = keys[start] as string;
      if (!key.startsWith(prefix)) break;
      const entry = c.entries.get(key);
      if (entry) yield entry;
    }
  }

  objects<T extends KubeObject = KubeObject>(resource: string, namespace?: string): T[] {
    const out: T[] = [];
    for (const entry of this.entries(resource, namespace)) out.push(entry.obj as T);
    return out;
  }

  /** Objects whose controller ownerReference points at `ownerUid`. */
  owned<T extends KubeObject = KubeObject>(resource: string, ownerUid: string): T[] {
    const c = this.collection(resource);
    const keys = c.byOwner.get(ownerUid);
    if (!keys) return [];
    const out: T[] = [];
    for (const key of keys) {
      const e = c.entries.get(key);
      if (e) out.push(e.obj as T);
    }
    return out;
  }

  json(entry: Entry): string {
    if (entry.json === undefined) entry.json = JSON.stringify(entry.obj);
    return entry.json;
  }

  create<T extends KubeObject>(resource: string, obj: T, options: WriteOptions = {}): T {
    const c = this.collection(resource);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    if (c.entries.has(key)) throw new Conflict('exists');
    obj.metadata.uid ||= this.newUid();
    obj.metadata.creationTimestamp ||= rfc3339(this.clock());
    if (options.dryRun) return obj;
    obj.metadata.resourceVersion = String(++this.rv);
    c.entries.set(key, { key, obj, json: undefined });
    c.invalidateOrder();
    this.indexOwner(c, key, undefined, obj);
    this.record({ type: 'ADDED', resource, rv: this.rv, object: obj, previous: undefined });
    return obj;
  }

  /**
   * Replaces an object. A non-empty metadata.resourceVersion must match the stored one
   * (optimistic concurrency); throws Conflict otherwise, and when the object is gone.
   */
  update<T extends KubeObject>(resource: string, obj: T, options: WriteOptions = {}): T {
    const c = this.collection(resource);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const current = c.entries.get(key);
    if (!current) throw new Conflict('gone');
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== current.obj.metadata.resourceVersion) {
      throw new Conflict('modified');
    }
    obj.metadata.uid = current.obj.metadata.uid;
    obj.metadata.creationTimestamp = current.obj.metadata.creationTimestamp;
    if (options.dryRun) {
      obj.metadata.resourceVersion = current.obj.metadata.resourceVersion;
      return obj;
    }
    const previous = current.obj;
    obj.metadata.resourceVersion = String(++this.rv);
    current.obj = obj;
    current.json = undefined;
    this.indexOwner(c, key, previous, obj);
    this.record({ type: 'MODIFIED', resource, rv: this.rv, object: obj, previous });
    return obj;
  }

  /**
   * Applies `change` to a copy of the stored object and writes it only if something changed,
   * so a controller can re-assert state every tick without flooding watchers.
   */
  mutate<T extends KubeObject>(resource: string, namespace: string | undefined, name: string, change: (obj: T) => void): T | undefined {
    const entry = this.entry(resource, namespace, name);
    if (!entry) return undefined;
    const copy = structuredClone(entry.obj) as T;
    change(copy);
    copy.metadata.resourceVersion = entry.obj.metadata.resourceVersion;
    if (JSON.stringify(copy) === this.json(entry)) return entry.obj as T;
    return this.update(resource, copy);
  }

  remove(resource: string, namespace: string | undefined, name: string, options: WriteOptions = {}): KubeObject | undefined {
    const c = this.collection(resource);
    const key = objectKey(namespace, name);
    const current = c.entries.get(key);
    if (!current) return undefined;
    if (options.dryRun) return current.obj;
    c.entries.delete(key);
    c.invalidateOrder();
    this.indexOwner(c, key, current.obj, undefined);
    // A deletion is a change with its own resourceVersion, carried on the final state of the object.
    const finalState = { ...current.obj, metadata: { ...current.obj.metadata, resourceVersion: String(++this.rv) } };
    this.record({ type: 'DELETED', resource, rv: this.rv, object: finalState, previous: current.obj });
    return finalState;
  }

  /** Changes after `rv`, or 'expired' when history no longer reaches back that far. */
  changesSince(rv: number): Change[] | 'expired' {
    if (rv < this.compactedRv) return 'expired';
    const out: Change[] = [];
    for (let i = this.historyStart; i < this.history.length; i++) {
      const change = this.history[i] as Change;
      if (change.rv > rv) out.push(change);
    }
    return out;
  }

  /** Every committed change, in order. Controllers and watches both listen here. */
  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forget history so far: seeding the estate is not something a watch replays. */
  compact(): void {
    this.history.length = 0;
    this.historyStart = 0;
    this.compactedRv = this.rv;
  }

  private record(change: Change): void {
    this.history.push(change);
    if (this.history.length - this.historyStart > HISTORY_CAPACITY) {
      const dropped = this.history[this.historyStart] as Change;
      this.compactedRv = dropped.rv;
      this.historyStart++;
      if (this.historyStart > HISTORY_CAPACITY) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const listener of this.listeners) listener(change);
  }

  private indexOwner(c: Collection, key: string, before: KubeObject | undefined, after: KubeObject | undefined): void {
    const oldUid = before ? controllerUid(before) : undefined;
    const newUid = after ? controllerUid(after) : undefined;
    if (oldUid === newUid) return;
    if (oldUid) {
      const set = c.byOwner.get(oldUid);
      set?.delete(key);
      if (set?.size === 0) c.byOwner.delete(oldUid);
    }
    if (newUid) {
      let set = c.byOwner.get(newUid);
      if (!set) c.byOwner.set(newUid, (set = new Set()));
      set.add(key);
    }
  }
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
