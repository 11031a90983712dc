/**
 * Work due at a simulated time (a pod becomes ready in 1.5 s, a crashed container restarts
 * after its back-off): a min-heap, so a tick over 20,000 pods only touches the ones due.
 */
interface Timer {
  at: number;
  seq: number;
  run: () => void;
}

export class Timers {
  private heap: Timer[] = [];
  private seq = 0;

  at(time: number, run: () => void): void {
    this.heap.push({ at: time, seq: this.seq++, run });
    this.up(this.heap.length - 1);
  }

  runDue(now: number): void {
    while (this.heap.length > 0 && (this.heap[0] as Timer).at <= now) {
      const top = this.pop();
      top.run();
    }
  }

  get size(): number {
    return this.heap.length;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a] as Timer;
    const y = this.heap[b] as Timer;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a] as Timer;
    this.heap[a] = this.heap[b] as Timer;
    this.heap[b] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): Timer {
    const top = this.heap[0] as Timer;
    const last = this.heap.pop() as Timer;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
