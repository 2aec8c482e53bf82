import { createHash } from 'node:crypto';

/** mulberry32's increment: its state after n draws is the seed's plus n of these. */
const STEP = 0x6d2b79f5;

/** The seed text of one account's stream of draws (per reset generation); the Redis store seeds from generation 0. */
export function streamSeed(seed: string, account: string, generation: number): string {
  return `${seed}:${JSON.stringify(['random', account, generation])}`;
}

/** The generator's starting state for a seed text: the first 32 bits of its SHA-256. */
export function seedState(seed: string): number {
  return createHash('sha256').update(seed).digest().readUInt32LE(0);
}

/**
 * The draw at `index` (0 first) of the stream seeded with `state`, in [0, 1). mulberry32's state only ever adds a
 * constant, so any draw can be made from its index alone: the Redis store takes an index from a shared counter and
 * gets the very draw one process would have made in that place (its Lua twin is in io/redis).
 */
export function drawAt(state: number, index: number): number {
  let t = (state + Math.imul(index + 1, STEP)) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * mulberry32: small, fast and good enough to make `probability` scenarios reproducible from a seed. Hand-written:
 * node:crypto has no seeded generator and none is among the dependencies; ten lines do not earn one.
 */
export function seededRandom(seed: string): () => number {
  const state = seedState(seed);
  let index = 0;
  return () => drawAt(state, index++);
}
