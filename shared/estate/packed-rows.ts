/**
 * The packed snapshot's entity or relation columns, kept as typed arrays grown by doubling (4
 * bytes a cell, where a JS array of numbers takes 8 and grows by half again), with the row of
 * each id. A row put again keeps its place; a freed row is marked dead in `marks` and left out of
 * `live()`, so an id that comes back takes a new row at the end, as a Map would order it.
 */
export const DEAD = -2;

type Columns<K extends string> = Record<K, Int32Array | Float64Array>;

/** Where each key's row is: a Map for string keys, `CodeRows` for keys that are small numbers. */
export interface RowIndex<Key> {
  get(key: Key): number | undefined;
  set(key: Key, row: number): unknown;
  delete(key: Key): unknown;
  readonly size: number;
}

/**
 * Rows keyed by interned string codes (0, 1, 2, …): one cell per code in a typed array, where a
 * Map of 60,000 entity ids took 3.5 MB of hash table at 50,000 pods.
 */
export class CodeRows implements RowIndex<number> {
  // Row + 1 per code, 0 for none.
  private rows = new Int32Array(1024);
  size = 0;

  get(code: number): number | undefined {
    const held = code < this.rows.length ? this.rows[code]! : 0;
    return held === 0 ? undefined : held - 1;
  }

  set(code: number, row: number): void {
    if (code >= this.rows.length) {
      const wider = new Int32Array(Math.max(code + 1, this.rows.length * 2));
      wider.set(this.rows);
      this.rows = wider;
    }
    if (this.rows[code] === 0) this.size++;
    this.rows[code] = row + 1;
  }

  delete(code: number): void {
    if (code >= this.rows.length || this.rows[code] === 0) return;
    this.rows[code] = 0;
    this.size--;
  }
}

export class PackedRows<K extends string, Key = string> {
  private readonly rowOf: RowIndex<Key>;
  private columns: Columns<K>;
  private readonly marks: K;
  private rows = 0;
  /** Rows freed or put again since this table began. */
  waste = 0;

  /**
   * `wide` columns hold numbers past 32 bits (timestamps); `marks` is the column a dead row is
   * marked in; `capacity` the rows to make room for at once (the estate's size, when known).
   */
  constructor(rowOf: RowIndex<Key>, names: readonly K[], wide: readonly K[], marks: K, capacity = 1024) {
    this.rowOf = rowOf;
    this.marks = marks;
    const columns = {} as Columns<K>;
    for (const name of names) columns[name] = wide.includes(name) ? new Float64Array(capacity) : new Int32Array(capacity);
    this.columns = columns;
  }

  /** Ids held (live rows). */
  get size(): number {
    return this.rowOf.size;
  }

  /** The row for `id`: its own if it has one, else a new one at the end. */
  put(id: Key): number {
    let row = this.rowOf.get(id);
    if (row !== undefined) {
      this.waste++;
      return row;
    }
    row = this.rows++;
    if (row === this.column(this.marks).length) this.grow();
    this.rowOf.set(id, row);
    return row;
  }

  /** Frees `id`'s row, if it has one. */
  free(id: Key): void {
    const row = this.rowOf.get(id);
    if (row === undefined) return;
    this.rowOf.delete(id);
    this.column(this.marks)[row] = DEAD;
    this.waste++;
  }

  column(name: K): Int32Array | Float64Array {
    return this.columns[name];
  }

  /** Fresh plain arrays of the live rows, column by column (what the wire and its schema take). */
  live(): Record<K, number[]> {
    const out = {} as Record<K, number[]>;
    const marks = this.column(this.marks);
    const all = this.rowOf.size === this.rows;
    for (const name of Object.keys(this.columns) as K[]) {
      const column = this.columns[name];
      out[name] = column instanceof Int32Array ? liveInts(column, marks, this.rows, all) : liveDoubles(column, marks, this.rows, all);
    }
    return out;
  }

  private grow(): void {
    const columns = {} as Columns<K>;
    for (const name of Object.keys(this.columns) as K[]) {
      const old = this.columns[name];
      const wider = old instanceof Float64Array ? new Float64Array(Math.max(16, old.length * 2)) : new Int32Array(Math.max(16, old.length * 2));
      wider.set(old);
      columns[name] = wider;
    }
    this.columns = columns;
  }
}

/*
 * Pushed rather than preallocated: a packed array, which JSON.stringify writes faster than a
 * holey one (125,000 cells: push 4.2 + stringify 3.2 ms, preallocate 1.7 + 10–12 ms). One
 * function per kind of typed array, so each loop stays monomorphic.
 */
function liveInts(column: Int32Array, marks: Int32Array | Float64Array, rows: number, all: boolean): number[] {
  const copy: number[] = [];
  for (let row = 0; row < rows; row++) if (all || marks[row] !== DEAD) copy.push(column[row]!);
  return copy;
}

function liveDoubles(column: Float64Array, marks: Int32Array | Float64Array, rows: number, all: boolean): number[] {
  const copy: number[] = [];
  for (let row = 0; row < rows; row++) if (all || marks[row] !== DEAD) copy.push(column[row]!);
  return copy;
}
