/** The parts of the floor server (bench/floor-server.ts) that `--skip` (and the bench's `--floor-skip`) can leave out. */
export const FLOOR_PARTS = [
  'validation',
  'messages',
  'fingerprint',
  'canonical',
  'record',
  'transactions',
  'log',
  'journal',
] as const;
export type FloorPart = (typeof FLOOR_PARTS)[number];

/** A comma-separated list of parts; throws on a part the floor does not have. */
export function parseFloorSkip(list: string | undefined): Set<FloorPart> {
  const parts = new Set<FloorPart>();
  for (const part of (list ?? '').split(',').filter(Boolean)) {
    if (!(FLOOR_PARTS as readonly string[]).includes(part)) {
      throw new Error(`--skip ${part}: one of ${FLOOR_PARTS.join(', ')}`);
    }
    parts.add(part as FloorPart);
  }
  return parts;
}
