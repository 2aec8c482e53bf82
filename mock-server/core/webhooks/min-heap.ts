/**
 * A binary min-heap by a numeric key. Hand-written: no heap is among the dependencies, and finding the due
 * deliveries by scanning them all made each event cost as much as the deliveries pending.
 */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly values: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, value: T): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.keys[parent] as number) <= key) break;
      this.move(parent, i);
      i = parent;
    }
    this.keys[i] = key;
    this.values[i] = value;
  }

  peekKey(): number | undefined {
    return this.keys[0];
  }

  pop(): T | undefined {
    if (this.keys.length === 0) return undefined;
    const top = this.values[0];
    const key = this.keys.pop() as number;
    const value = this.values.pop() as T;
    const size = this.keys.length;
    if (size > 0) {
      let i = 0;
      for (let child = 1; child < size; child = 2 * i + 1) {
        if (child + 1 < size && (this.keys[child + 1] as number) < (this.keys[child] as number)) child += 1;
        if ((this.keys[child] as number) >= key) break;
        this.move(child, i);
        i = child;
      }
      this.keys[i] = key;
      this.values[i] = value;
    }
    return top;
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from] as number;
    this.values[to] = this.values[from] as T;
  }
}
