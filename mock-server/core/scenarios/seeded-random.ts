import { createHash } from 'node:crypto';

/**
 * mulberry32: small, fast and good enough to make `probability` scenarios reproducible from a seed. Hand-written:
 * node:crypto has no seeded generator and none is among the dependencies; ten lines do not earn one.
 */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
