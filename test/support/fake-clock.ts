/** A clock tests move by hand; nothing sleeps. */
export function fakeClock(start = Date.parse('2026-11-26T12:00:00.000Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Predictable UUIDs: 00000000-0000-4000-8000-000000000001, …02, … */
export function sequentialUuids() {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  };
}
