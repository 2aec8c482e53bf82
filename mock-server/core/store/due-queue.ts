/**
 * The ids of one account's records that its clock may change by itself, each with when (`dueAt`), so that a sweep
 * visits only those whose time has come: a binary min-heap of (time, id) beside a Map of each id's current time.
 *
 * Before, the sweep walked every id of the account once a second: with the store at its cap (50,000 payment
 * transactions) that held the event loop for about 10 ms each second, whatever was due. Now a sweep costs what is
 * due (O(log n) each), and nothing when nothing is.
 *
 * An id set again or deleted leaves its old heap item behind, stale: `due` skips an item whose time is no longer the
 * id's, and the heap is rebuilt from the Map when most of it is stale (linear work at most once per as many
 * changes, so O(1) amortized). An id `due` returned stays due, and is returned again by the next `due`, until it is
 * set or deleted (the caller may not change it), or until the clock moved back before its time.
 */
export class DueQueue {
  private readonly at = new Map<string, number>();
  private times: number[] = [];
  private ids: string[] = [];
  /** Ids `due` returned that have not been set or deleted since. */
  private readonly reported = new Set<string>();

  get size(): number {
    return this.at.size;
  }

  set(id: string, dueAt: number): void {
    // An id not reported has a heap item at its current time: the same time again needs no other.
    if (!this.reported.delete(id) && this.at.get(id) === dueAt) return;
    this.at.set(id, dueAt);
    this.push(dueAt, id);
    if (this.times.length > 2 * this.at.size + 1024) this.rebuild();
  }

  delete(id: string): void {
    this.at.delete(id);
    this.reported.delete(id);
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
        this.at.delete(id);
        continue;
      }
      this.reported.add(id);
      ids.push(id);
    }
    return ids;
  }

  private push(time: number, id: string): void {
    const { times, ids } = this;
    let i = times.length;
    times.push(time);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((times[parent] as number) <= time) break;
      times[i] = times[parent] as number;
      ids[i] = ids[parent] as string;
      i = parent;
    }
    times[i] = time;
    ids[i] = id;
  }

  private pop(): void {
    const { times, ids } = this;
    const lastTime = times.pop() as number;
    const lastId = ids.pop() as string;
    if (times.length > 0) this.siftDown(0, lastTime, lastId);
  }

  /** Places (time, id) at `i` or below, moving the smaller child up while it is smaller. */
  private siftDown(start: number, time: number, id: string): void {
    const { times, ids } = this;
    const n = times.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && (times[child + 1] as number) < (times[child] as number)) child++;
      if ((times[child] as number) >= time) break;
      times[i] = times[child] as number;
      ids[i] = ids[child] as string;
      i = child;
    }
    times[i] = time;
    ids[i] = id;
  }

  /** The heap again from the Map's ids not already reported (Floyd's heapify, linear). */
  private rebuild(): void {
    const times: number[] = [];
    const ids: string[] = [];
    for (const [id, time] of this.at) {
      if (this.reported.has(id)) continue;
      times.push(time);
      ids.push(id);
    }
    this.times = times;
    this.ids = ids;
    for (let i = (times.length >> 1) - 1; i >= 0; i--) this.siftDown(i, times[i] as number, ids[i] as string);
  }
}
