/**
 * Sets of ids by key, for the state's indexes where most keys hold one to a few ids (a pod's
 * two relations, a ReplicaSet's pods). A `Set` of two strings costs about 200 bytes of heap and
 * there is one per entity: 50,000 pods held 13 MB of them. Up to `smallLimit` ids are held as
 * an exact-sized array, replaced on change (so a read in progress sees the ids as they were);
 * past it, a key gets a Set and keeps it. Either way the ids come back in insertion order, as a
 * Set gives them.
 */
export class IdSets {
  private readonly byKey = new Map<string, readonly string[] | Set<string>>();

  constructor(private readonly smallLimit = 8) {}

  get(key: string): Iterable<string> | undefined {
    return this.byKey.get(key);
  }

  add(key: string, id: string): void {
    const held = this.byKey.get(key);
    if (held === undefined) {
      this.byKey.set(key, [id]);
    } else if (held instanceof Set) {
      held.add(id);
    } else if (!held.includes(id)) {
      // concat sizes the copy exactly; a spread or push leaves room for 17 more.
      this.byKey.set(key, held.length < this.smallLimit ? held.concat(id) : new Set(held).add(id));
    }
  }

  delete(key: string, id: string): void {
    const held = this.byKey.get(key);
    if (held === undefined) return;
    if (held instanceof Set) {
      held.delete(id);
      if (held.size === 0) this.byKey.delete(key);
      return;
    }
    const at = held.indexOf(id);
    if (at < 0) return;
    if (held.length === 1) {
      this.byKey.delete(key);
      return;
    }
    const rest = new Array<string>(held.length - 1);
    for (let i = 0, j = 0; i < held.length; i++) if (i !== at) rest[j++] = held[i] as string;
    this.byKey.set(key, rest);
  }
}
