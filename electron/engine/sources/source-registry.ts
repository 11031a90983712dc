import type { Source } from '../../../shared/api/sources.js';

type Listener = (sources: Source[]) => void;

/**
 * The one list of configured sources and their status. Providers report state changes here;
 * the API reads and subscribes to it.
 */
export class SourceRegistry {
  private readonly sources = new Map<string, Source>();
  private readonly listeners = new Set<Listener>();

  list(): Source[] {
    return [...this.sources.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): Source | undefined {
    return this.sources.get(id);
  }

  upsert(source: Source): void {
    this.sources.set(source.id, source);
    this.emit();
  }

  /** Applies a partial update to an existing source; ignored if the source is gone. */
  update(id: string, change: Partial<Omit<Source, 'id'>>): void {
    const current = this.sources.get(id);
    if (!current) return;
    this.sources.set(id, { ...current, ...change });
    this.emit();
  }

  remove(id: string): void {
    if (this.sources.delete(id)) this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const snapshot = this.list();
    for (const listener of this.listeners) listener(snapshot);
  }
}
