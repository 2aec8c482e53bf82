import type { StoredResponse } from '../idempotency.js';
import { TextRing } from '../journal/record-ring.js';

export interface AnswerRingLimits {
  maxEntries: number;
  /** The text ring's cap: the oldest answers go first once it is reached, whatever their count. */
  maxBytes: number;
  /** Whether the answer kept under `key`, made at `createdAt`, is past its time: it goes once it is the oldest. */
  over?: (key: string, createdAt: number) => boolean;
  /** Called the first time the byte cap makes an answer go. */
  onFull?: () => void;
}

/** Answers read most recently, decoded: a client retrying one key is answered without decoding it each time. */
const DECODED = 16;
/** Answers too large for the ring (over its cap) kept as they are, the newest few. */
const OVERSIZE = 4;
/** The position of an answer kept in `oversize`, not in the ring. */
const ON_HEAP = -1;
/** Slots at first: they double, up to twice `maxEntries`, while more answers (or numbers) are in use. */
const FIRST_SLOTS = 1024;

/**
 * Stored answers kept as bytes (issue 16): each answer is the UTF-8 text of its fields (JSON) and its body, written
 * into one buffer used as a ring (the journal's TextRing), and each key maps to a sequence number alone; where its
 * text is, its length and its time sit in typed arrays, at the slot `seq % slots`. So a kept answer is one Map
 * entry and one key string for the garbage collector instead of half a dozen objects. With the store at its cap, the
 * live heap after a full collection is 10 to 17 MB smaller, and V8's threads mark less (docs/performance.md).
 *
 * It forgets as the answers always went: in the order they were recorded (reading never refreshes one), an answer
 * recorded again moves to the newest end, and from the oldest end go the answers over the count, those whose text
 * the ring overwrote (its byte cap) and those past their time (`over`) as new ones arrive. The count is of the
 * answers kept; the bytes are of the text written since, so an answer goes once `maxBytes` of newer answers were
 * recorded, those recorded again or deleted since included.
 */
export class AnswerRing {
  private readonly seqOf = new Map<string, number>();
  private readonly text: TextRing;
  /** Per slot: the key, its text's position (or ON_HEAP), length, head's length and time. */
  private slots = 0;
  private keys: (string | undefined)[] = [];
  private positions = new Float64Array(0);
  private lengths = new Uint32Array(0);
  private splits = new Uint32Array(0);
  private times = new Float64Array(0);
  /** The sequence number of the next answer, and of the oldest that may still be kept. */
  private next = 0;
  private oldest = 0;
  /** No answer before this number has its text in the ring any more (or it is kept apart, on the heap). */
  private oldestText = 0;
  private warned = false;
  private readonly decoded = new Map<string, { seq: number; stored: StoredResponse }>();
  private readonly oversize = new Map<string, StoredResponse>();

  constructor(private readonly limits: AnswerRingLimits) {
    // The whole cap at once (allocated on the first answer, outside the heap, its pages used only as written): a
    // ring that grew could overwrite answers it should keep before it reached its cap.
    this.text = new TextRing(limits.maxBytes, () => undefined, limits.maxBytes);
  }

  get size(): number {
    return this.seqOf.size;
  }

  has(key: string): boolean {
    return this.seqOf.has(key) && this.slotOf(key) !== undefined;
  }

  get(key: string): StoredResponse | undefined {
    const slot = this.slotOf(key);
    if (slot === undefined) return undefined;
    const seq = this.seqOf.get(key) as number;
    const cached = this.decoded.get(key);
    if (cached?.seq === seq) return cached.stored;
    const position = this.positions[slot] as number;
    const stored =
      position === ON_HEAP
        ? (this.oversize.get(key) as StoredResponse)
        : decode(
            this.text.read(position, 0, this.splits[slot] as number),
            this.text.read(position, this.splits[slot] as number, this.lengths[slot] as number),
          );
    if (this.decoded.size >= DECODED) this.decoded.delete(this.decoded.keys().next().value as string);
    this.decoded.set(key, { seq, stored });
    return stored;
  }

  /** Keeps `stored` as the newest answer under `key` (an answer it had goes). */
  set(key: string, stored: StoredResponse): void {
    const head = encodeHead(stored);
    const fits = 3 * (head.length + stored.body.length) <= this.limits.maxBytes;
    const position =
      fits || Buffer.byteLength(head) + Buffer.byteLength(stored.body) <= this.limits.maxBytes
        ? this.text.write(head, stored.body)
        : ON_HEAP;
    this.forget(key);
    this.dropOldest();
    if (this.next - this.oldest >= this.slots) {
      if (this.slots < 2 * this.limits.maxEntries) this.grow();
      else this.compact();
    }
    const seq = this.next;
    const slot = seq % this.slots;
    this.keys[slot] = key;
    this.positions[slot] = position;
    this.lengths[slot] = position === ON_HEAP ? 0 : this.text.lastLength;
    this.splits[slot] = position === ON_HEAP ? 0 : this.text.lastSplit;
    this.times[slot] = stored.createdAt;
    this.seqOf.set(key, seq);
    if (position === ON_HEAP) {
      if (this.oversize.size >= OVERSIZE) this.forget(this.oversize.keys().next().value as string);
      this.oversize.set(key, stored);
    }
    this.next = seq + 1;
  }

  delete(key: string): void {
    this.forget(key);
  }

  /** Deletes every answer whose key matches: a walk over all of them, for rare operations (an account reset). */
  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.seqOf.keys()]) if (matches(key)) this.forget(key);
  }

  /** The slot of the answer kept under `key`; undefined when there is none, or its text was overwritten since. */
  private slotOf(key: string): number | undefined {
    const seq = this.seqOf.get(key);
    if (seq === undefined) return undefined;
    const slot = seq % this.slots;
    if (this.heldAt(slot)) return slot;
    this.lost(key);
    return undefined;
  }

  private heldAt(slot: number): boolean {
    const position = this.positions[slot] as number;
    return position === ON_HEAP || this.text.holds(position);
  }

  /** An answer whose text the ring overwrote: the byte cap made it go. */
  private lost(key: string): void {
    this.forget(key);
    if (this.warned) return;
    this.warned = true;
    this.limits.onFull?.();
  }

  private forget(key: string): void {
    this.seqOf.delete(key);
    this.decoded.delete(key);
    this.oversize.delete(key);
  }

  /**
   * Lets the oldest answers go while one more would be over the count, or their text is overwritten (the bytes), or
   * they are past their time; the slots passed let go of their keys. Text is written in the order answers are
   * recorded, so those whose text is overwritten are the oldest text answers: a walk of their own finds them even
   * behind an older answer kept apart, on the heap, which stops the first walk. Each answer is passed once by each
   * walk: O(1) amortized.
   */
  private dropOldest(): void {
    if (this.oldestText < this.oldest) this.oldestText = this.oldest;
    for (; this.oldestText < this.next; this.oldestText += 1) {
      const slot = this.oldestText % this.slots;
      const key = this.keys[slot] as string;
      if (this.seqOf.get(key) !== this.oldestText || this.positions[slot] === ON_HEAP) continue;
      if (this.heldAt(slot)) break;
      this.lost(key);
    }
    const { maxEntries, over } = this.limits;
    for (; this.oldest < this.next; this.oldest += 1) {
      const slot = this.oldest % this.slots;
      const key = this.keys[slot] as string;
      if (this.seqOf.get(key) === this.oldest) {
        if (this.seqOf.size < maxEntries && over?.(key, this.times[slot] as number) !== true) return;
        this.forget(key);
      }
      this.keys[slot] = undefined;
    }
  }

  /**
   * Twice the slots (FIRST_SLOTS at first), at most twice `maxEntries`: every answer from the oldest on moves to its
   * slot in the larger arrays (there are at most `slots` of them, so each still has a slot of its own).
   */
  private grow(): void {
    const slots = Math.min(2 * this.limits.maxEntries, Math.max(FIRST_SLOTS, this.slots * 2));
    const keys: (string | undefined)[] = new Array(slots).fill(undefined);
    const positions = new Float64Array(slots);
    const lengths = new Uint32Array(slots);
    const splits = new Uint32Array(slots);
    const times = new Float64Array(slots);
    for (let seq = this.oldest; seq < this.next; seq += 1) {
      const from = seq % this.slots;
      const to = seq % slots;
      keys[to] = this.keys[from];
      positions[to] = this.positions[from] as number;
      lengths[to] = this.lengths[from] as number;
      splits[to] = this.splits[from] as number;
      times[to] = this.times[from] as number;
    }
    this.slots = slots;
    this.keys = keys;
    this.positions = positions;
    this.lengths = lengths;
    this.splits = splits;
    this.times = times;
  }

  /**
   * Every slot in use (twice `maxEntries`), at least half of them by answers recorded again or deleted since: the
   * answers still kept take the numbers from the oldest on, in their order, and the others' slots are free again.
   * Linear, and at most once per `maxEntries` answers recorded, so O(1) amortized; the count is of answers kept.
   */
  private compact(): void {
    let to = this.oldest;
    for (let seq = this.oldest; seq < this.next; seq += 1) {
      const from = seq % this.slots;
      const key = this.keys[from] as string;
      if (this.seqOf.get(key) !== seq) continue;
      // `to` is at most `seq`: its slot's answer was moved already, or is this one.
      const target = to % this.slots;
      this.keys[target] = key;
      this.positions[target] = this.positions[from] as number;
      this.lengths[target] = this.lengths[from] as number;
      this.splits[target] = this.splits[from] as number;
      this.times[target] = this.times[from] as number;
      this.seqOf.set(key, to);
      to += 1;
    }
    // The numbers after the last answer kept are free: their slots let go of their keys.
    for (let seq = to; seq < this.next; seq += 1) this.keys[seq % this.slots] = undefined;
    this.next = to;
    this.oldestText = this.oldest;
    this.decoded.clear();
  }
}

/**
 * Every field but the body, as JSON (null for what is absent); the body follows as it is. Joined by hand, not by
 * `JSON.stringify` of an array (about 3 K instructions an answer, callgrind; docs/performance.md): the hashes are
 * base64url, the result a word, the currency three letters, so each is quoted as it is once a look at its characters
 * says JSON would write them unchanged; anything else, and the rare token hashes, go through `JSON.stringify`.
 */
function encodeHead(stored: StoredResponse): string {
  const tokens = stored.tokens === undefined ? 'null' : JSON.stringify(stored.tokens);
  return `[${number(stored.status)},${text(stored.result)},${text(stored.fingerprint)},${text(stored.rawHash)},${tokens},${number(stored.createdAt)},${number(stored.amount)},${text(stored.currency)},${stored.finalAuthorization === true}]`;
}

const text = (value: string | undefined) =>
  value === undefined ? 'null' : asIs(value) ? `"${value}"` : JSON.stringify(value);

/** Whether JSON writes `value` as it is between its quotes: printable ASCII, no quote mark or backslash. */
function asIs(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** As JSON writes a number (its shortest text, as `String` writes it): `null` for what is absent or not finite. */
const number = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? 'null' : `${value}`);

function decode(head: string, body: string): StoredResponse {
  const [status, result, fingerprint, rawHash, tokens, createdAt, amount, currency, finalAuthorization] =
    JSON.parse(head);
  const stored: StoredResponse = {
    status,
    body,
    result,
    fingerprint: fingerprint ?? undefined,
    createdAt,
    amount: amount ?? undefined,
    currency,
    finalAuthorization,
  };
  if (rawHash !== null) stored.rawHash = rawHash;
  if (tokens !== null) stored.tokens = tokens;
  return stored;
}
