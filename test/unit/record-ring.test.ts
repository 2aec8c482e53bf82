import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordIndex, TextRing } from '../../mock-server/core/journal/record-ring.js';

const text = (n: number) => `${n}:`.padEnd(1000, 'x');

describe('the text ring', () => {
  it('grows, up to its cap, while the oldest text wanted would soon be overwritten, keeping every position', () => {
    const ring = new TextRing(64 * 1024, () => 0, 4 * 1024);
    const positions = Array.from({ length: 60 }, (_, n) => ring.write(text(n)));
    expect(ring.capacity).toBe(64 * 1024);
    positions.forEach((position, n) => {
      expect(ring.holds(position)).toBe(true);
      expect(ring.read(position, 0, 1000)).toBe(text(n));
    });
  });

  it('stays small when only recent text is wanted, and overwrites the oldest', () => {
    let newest = 0;
    const ring = new TextRing(64 * 1024, () => newest, 4 * 1024);
    const positions: number[] = [];
    for (let n = 0; n < 100; n++) {
      newest = ring.write(text(n));
      positions.push(newest);
    }
    expect(ring.capacity).toBe(4 * 1024);
    expect(ring.holds(positions[0] as number)).toBe(false);
    expect(ring.read(positions[99] as number, 0, 1000)).toBe(text(99));
  });

  it('keeps a head and its tail together, in UTF-8 of any width, across the end of the buffer', () => {
    const ring = new TextRing(4096, () => undefined, 4096);
    ring.write('x'.repeat(3000));
    const position = ring.write('["é"]', '😀'.repeat(100));
    expect(ring.lastSplit).toBe(Buffer.byteLength('["é"]'));
    expect(ring.read(position, 0, ring.lastSplit)).toBe('["é"]');
    expect(ring.read(position, ring.lastSplit, ring.lastLength)).toBe('😀'.repeat(100));
  });

  it('refuses a text over its cap', () => {
    expect(() => new TextRing(1024).write('x'.repeat(2000))).toThrow(RangeError);
  });
});

describe("an account's record index", () => {
  it('grows to its capacity and then lets the oldest go, in order', () => {
    const index = new RecordIndex(40, 4);
    for (let n = 0; n < 100; n++) index.push(n * 10, 10, 3, n, n);
    const seqs: number[] = [];
    index.forEach((_position, _length, _split, seq) => {
      seqs.push(seq);
    });
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 60));
    expect(index.oldest).toBe(600);
    expect(index.dropOldestWhile((_position, time) => time < 70)).toBe(10);
    expect(index.size).toBe(30);
  });
});

describe('the text ring, grown after it overwrote text', () => {
  it('never says an overwritten text is there again', () => {
    let oldest: number | undefined;
    const ring = new TextRing(64 * 1024, () => oldest, 4 * 1024);
    const positions = Array.from({ length: 10 }, (_, n) => ring.write(text(n)));
    expect(ring.holds(positions[0] as number)).toBe(false);
    oldest = positions[7]; // still there, and more than half a lap old: the next lap grows the ring
    for (let n = 10; n < 14; n++) positions.push(ring.write(text(n)));
    expect(ring.capacity).toBeGreaterThan(4 * 1024);
    expect(ring.holds(positions[0] as number)).toBe(false);
    expect(ring.holds(positions[5] as number)).toBe(false);
    for (const n of [8, 9, 13]) expect(ring.read(positions[n] as number, 0, 1000)).toBe(text(n));
  });

  it('says when a write begins a lap', () => {
    const ring = new TextRing(4096, () => undefined, 4096);
    const laps = Array.from({ length: 9 }, (_, n) => {
      ring.write(text(n));
      return ring.lapped;
    });
    expect(laps).toEqual([false, false, false, false, true, false, false, false, true]);
  });
});

describe('the text ring, written where the last text ended or measured first', () => {
  it('keeps every text whole, with its byte lengths, whichever way it was written', () => {
    // One- to four-byte characters and a lone surrogate (three bytes of U+FFFD).
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\ud800', 'xyz'), maxLength: 200 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.oneof(fc.constant(''), text)), { maxLength: 500 }), (writes) => {
        const ring = new TextRing(8192, () => undefined, 8192);
        for (const [head, tail] of writes) {
          const position = ring.write(head, tail);
          expect(ring.lastSplit).toBe(Buffer.byteLength(head));
          expect(ring.lastLength).toBe(Buffer.byteLength(head) + Buffer.byteLength(tail));
          expect(ring.read(position, 0, ring.lastSplit)).toBe(Buffer.from(head).toString());
          expect(ring.read(position, ring.lastSplit, ring.lastLength)).toBe(Buffer.from(tail).toString());
        }
      }),
    );
  });
});
