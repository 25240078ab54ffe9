/**
 * A FIFO of event sequence numbers kept as runs (`first`, `count`): the
 * numbers of the events a dispatcher wrote to its spill and has not read back
 * yet, in the order they are on disk. Contiguous numbers cost one run,
 * however many events they stand for.
 */
export class SeqRuns {
  private runs: { first: number; count: number }[] = [];
  private start = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  /** The oldest number, or `undefined` when empty. */
  get head(): number | undefined {
    return this.total === 0 ? undefined : this.runs[this.start]!.first;
  }

  push(seq: number): void {
    const last = this.runs.at(-1);
    if (last !== undefined && this.runs.length > this.start && last.first + last.count === seq) last.count++;
    else this.runs.push({ first: seq, count: 1 });
    this.total++;
  }

  /** Removes the `n` oldest: the first of a single run, or the list. */
  shift(n: number): number | number[] {
    n = Math.min(n, this.total);
    const run = this.runs[this.start]!;
    if (n <= run.count) {
      const first = run.first;
      run.first += n;
      run.count -= n;
      this.total -= n;
      if (run.count === 0) this.dropHead();
      return first;
    }
    const out: number[] = [];
    while (out.length < n) {
      const head = this.runs[this.start]!;
      const take = Math.min(head.count, n - out.length);
      for (let i = 0; i < take; i++) out.push(head.first + i);
      head.first += take;
      head.count -= take;
      if (head.count === 0) this.dropHead();
    }
    this.total -= n;
    return out;
  }

  /** How many are below `target`. */
  countBelow(target: number): number {
    let n = 0;
    for (let i = this.start; i < this.runs.length; i++) {
      const run = this.runs[i]!;
      n += Math.max(0, Math.min(run.count, target - run.first));
    }
    return n;
  }

  private dropHead(): void {
    this.start++;
    if (this.start > 64 && this.start * 2 > this.runs.length) {
      this.runs = this.runs.slice(this.start);
      this.start = 0;
    }
    if (this.start === this.runs.length) {
      this.runs = [];
      this.start = 0;
    }
  }
}
