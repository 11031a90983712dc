import type { EstateIndex } from '../estate/estate-index.js';
import { layoutTopology, nodesGroupSuffix } from './layout.js';
import type { SubtreeCache, TopologyLayout, TopologyOptions } from './layout.js';

/**
 * The topology's layout kept across changes. Laying out 50,000 pods from nothing takes a
 * quarter of a second of CPU, longer than a frame may; a watch burst touches a few subtrees, so
 * this keeps every subtree the last layout built and, when containment changes, rebuilds only
 * the changed entities and their ancestors, then assigns positions afresh (O(boxes)).
 *
 * Invariant (test/unit/renderer-estate/topology-model.test.ts): `layout()` returns what
 * `layoutTopology(index, options, aspect)` would return from nothing. A filter reads health and
 * labels, which change without containment changing, so with one active every layout is full,
 * as it was before.
 */
export class TopologyModel {
  private readonly kept: SubtreeCache = new Map();
  /** Entities whose subtree, and their ancestors', must be rebuilt: ids and their parents before. */
  private readonly changed = new Set<string>();
  /** Entities written since the last layout: the boxes they are drawn in are counted again. */
  private readonly written = new Set<string>();
  private full = true;
  private options: TopologyOptions | null = null;
  private aspect = 1.8;
  private readonly unwatch: () => void;
  current: TopologyLayout = { boxes: [], byId: new Map(), width: 0, height: 0 };

  constructor(private readonly index: EstateIndex) {
    this.unwatch = index.watchStructure({
      changed: (id, before, after) => {
        if (this.full) return;
        this.changed.add(id);
        if (before !== null) this.changed.add(before);
        if (after !== null) this.changed.add(after);
      },
      reset: () => {
        this.full = true;
        this.changed.clear();
        this.written.clear();
      },
      updated: (id) => {
        if (this.full) return;
        this.written.add(id);
        // A kept subtree is placed from its nodes: they draw the entity as it is now.
        const node = this.kept.get(id);
        const entity = this.index.get(id);
        if (node && entity) node.entity = entity;
      },
    });
  }

  dispose(): void {
    this.unwatch();
  }

  /** New options (a new object) drop every kept subtree; the aspect only moves the top level. */
  setOptions(options: TopologyOptions, aspect: number): void {
    if (options !== this.options) this.full = true;
    this.options = options;
    this.aspect = aspect;
  }

  /** Whether layout() would do anything: containment or options changed since the last one. */
  get stale(): boolean {
    return this.full || this.changed.size > 0;
  }

  layout(): TopologyLayout {
    const options = this.options;
    if (!options) return this.current;
    const incremental = !this.full && options.filter === null;
    if (!incremental) {
      this.kept.clear();
    } else {
      // Ancestors are shared by most changed entities: each is walked once.
      const walked = new Set<string>();
      for (const id of this.changed) this.forget(id, walked);
    }
    this.full = false;
    this.changed.clear();
    this.current = layoutTopology(this.index, options, this.aspect, options.filter === null ? this.kept : undefined, incremental ? this.written : undefined);
    this.written.clear();
    return this.current;
  }

  /** Drops an entity's kept subtree and every kept subtree above it. */
  private forget(id: string, walked: Set<string>): void {
    let at: string | null = id;
    // `walked` also stops a parent cycle a broken source could send.
    while (at !== null && !walked.has(at)) {
      walked.add(at);
      this.kept.delete(at);
      const entity = this.index.get(at);
      // A node sits in its cluster's synthetic group, which is rebuilt with the cluster.
      if (entity?.kind === 'node' && entity.parentId !== null) this.kept.delete(entity.parentId + nodesGroupSuffix);
      at = entity?.parentId ?? null;
    }
  }
}
