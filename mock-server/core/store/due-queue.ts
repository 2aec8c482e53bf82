/**
 * The ids of one account's records that its clock may change by itself, each with when (`dueAt`), so that a sweep
 * visits only those whose time has come: a binary min-heap of (time, id) beside a Map of each id's current time.
 *
 * Before, the sweep walked every id of the account once a second: with the store at its cap (50,000 payment
 * transactions) that held the event loop for about 10 ms each second, whatever was due. Now a sweep costs what is
 * due (O(log n) each), and nothing when nothing is.
 *
 * An id set again or deleted leaves its old heap item behind, stale: `due` skips an item whose time is no longer the
 * id's, and the heap is rebuilt from the Map once most of it is stale (linear work at most once per as many changes,
 * so O(1) amortized, and the heap never holds more than twice the ids plus 16). An id `due` returned stays due, and
 * is returned again by the next `due`, until it is set or deleted (the caller may not change it), or until the clock
 * moved back before its time. Ids due at the same time come in the order they were set, as they did from the Map.
 */
export class DueQueue {
  private readonly at = new Map<string, number>();
  /** The heap, as parallel arrays: each item's time, the order it was pushed in (ties go first in first), its id. */
  private times: number[] = [];
  private seqs: number[] = [];
  private ids: string[] = [];
  private nextSeq = 0;
  /** Ids `due` returned that have not been set or deleted since. */
  private readonly reported = new Set<string>();

  get size(): number {
    return this.at.size;
  }

  /** `dueAt` NaN: never due (a time that compares with nothing). */
  set(id: string, dueAt: number): void {
    if (Number.isNaN(dueAt)) {
      this.delete(id);
      return;
    }
    // An id not reported has a heap item at its current time: the same time again needs no other.
    if (!this.reported.delete(id) && this.at.get(id) === dueAt) return;
    this.at.set(id, dueAt);
    this.push(dueAt, id);
    this.compactIfStale();
  }

  delete(id: string): void {
    this.at.delete(id);
    this.reported.delete(id);
    this.compactIfStale();
  }

  /** Ids whose time is at or before `now`; `live` says whether the record is still kept (else its id is dropped). */
  due(now: number, live: (id: string) => boolean): string[] {
    const ids: string[] = [];
    for (const id of this.reported) {
      const at = this.at.get(id);
      if (at === undefined || !live(id)) this.delete(id);
      else if (at <= now) ids.push(id);
      else {
        // The clock moved back: due again at its time.
        this.reported.delete(id);
        this.push(at, id);
      }
    }
    while (this.times.length > 0 && (this.times[0] as number) <= now) {
      const time = this.times[0] as number;
      const id = this.ids[0] as string;
      this.pop();
      if (this.at.get(id) !== time || this.reported.has(id)) continue;
      if (!live(id)) {
        this.delete(id);
        continue;
      }
      this.reported.add(id);
      ids.push(id);
    }
    return ids;
  }

  /** Item `a` comes before item `b`: the earlier time, or the same time pushed first. */
  private before(a: number, b: number): boolean {
    const { times, seqs } = this;
    return (
      (times[a] as number) < (times[b] as number) ||
      (times[a] === times[b] && (seqs[a] as number) < (seqs[b] as number))
    );
  }

  private push(time: number, id: string): void {
    this.times.push(time);
    this.seqs.push(this.nextSeq++);
    this.ids.push(id);
    let i = this.times.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const last = this.times.length - 1;
    this.swap(0, last);
    this.times.pop();
    this.seqs.pop();
    this.ids.pop();
    this.siftDown(0);
  }

  /** Moves item `i` down while a child comes before it. */
  private siftDown(start: number): void {
    const n = this.times.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) return;
      if (child + 1 < n && this.before(child + 1, child)) child++;
      if (!this.before(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(a: number, b: number): void {
    const { times, seqs, ids } = this;
    const time = times[a] as number;
    const seq = seqs[a] as number;
    const id = ids[a] as string;
    times[a] = times[b] as number;
    seqs[a] = seqs[b] as number;
    ids[a] = ids[b] as string;
    times[b] = time;
    seqs[b] = seq;
    ids[b] = id;
  }

  /** Most of the heap stale: rebuilt from the Map's ids not already reported (in the Map's order, Floyd's heapify). */
  private compactIfStale(): void {
    if (this.times.length <= 2 * this.at.size + 16) return;
    this.times = [];
    this.seqs = [];
    this.ids = [];
    for (const [id, time] of this.at) {
      if (this.reported.has(id)) continue;
      this.times.push(time);
      this.seqs.push(this.nextSeq++);
      this.ids.push(id);
    }
    for (let i = (this.times.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }
}
