/** The two neighbours of an item in one list. */
export interface Links<T> {
  prev: T | undefined;
  next: T | undefined;
}

/**
 * A doubly linked list through links its items carry (`links(item)`), so an item held elsewhere leaves it in O(1)
 * and an item may be in several lists at once. Hand-written: no list among the dependencies does either; an array
 * with lazy deletion kept evicted items alive until it was compacted.
 */
export class LinkedList<T> {
  size = 0;
  head: T | undefined;
  tail: T | undefined;

  constructor(private readonly links: (item: T) => Links<T>) {}

  append(item: T): void {
    const links = this.links(item);
    links.prev = this.tail;
    links.next = undefined;
    if (this.tail === undefined) this.head = item;
    else this.links(this.tail).next = item;
    this.tail = item;
    this.size += 1;
  }

  /** Puts `item` where `old` was; `old` leaves the list. */
  replace(old: T, item: T): void {
    const from = this.links(old);
    const to = this.links(item);
    to.prev = from.prev;
    to.next = from.next;
    if (from.prev === undefined) this.head = item;
    else this.links(from.prev).next = item;
    if (from.next === undefined) this.tail = item;
    else this.links(from.next).prev = item;
    from.prev = undefined;
    from.next = undefined;
  }

  /** Removes `item`; false when it was in no list of this kind. */
  remove(item: T): boolean {
    const links = this.links(item);
    if (links.prev === undefined && this.head !== item) return false;
    if (links.prev === undefined) this.head = links.next;
    else this.links(links.prev).next = links.next;
    if (links.next === undefined) this.tail = links.prev;
    else this.links(links.next).prev = links.prev;
    links.prev = undefined;
    links.next = undefined;
    this.size -= 1;
    return true;
  }

  /** The newest `limit` items after skipping the newest `offset`, oldest first; only those are looked at. */
  newest(limit: number, offset: number): T[] {
    const items: T[] = [];
    let item = this.tail;
    for (let skipped = 0; item !== undefined && skipped < offset; skipped += 1) item = this.links(item).prev;
    for (; item !== undefined && items.length < limit; item = this.links(item).prev) items.push(item);
    return items.reverse();
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let item = this.head; item !== undefined; item = this.links(item).next) yield item;
  }
}
