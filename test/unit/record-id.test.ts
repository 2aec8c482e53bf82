import { describe, expect, it } from 'vitest';
import { recordId } from '../../mock-server/core/store/record-store.js';

describe('a record id', () => {
  it("is an id's last segment, or the whole id when it has no colon", () => {
    const uuid = '890ae364-655f-433a-a601-df02a9c0ffee';
    expect(recordId(`krn:payment:eu1:transaction:${uuid}`)).toBe(uuid);
    expect(recordId(uuid)).toBe(uuid);
    expect(recordId('a:b::c')).toBe('c');
    expect(recordId('ends-with:')).toBe('');
    expect(recordId(':lead')).toBe('lead');
    expect(recordId('')).toBe('');
    expect(recordId('é:😀')).toBe('😀');
  });

  it('agrees with slicing after the last colon', () => {
    for (const id of ['x', 'a:b', '::', 'krn:payment:eu1:request:1', 'no colon here', 'a:é:ü']) {
      expect(recordId(id)).toBe(id.slice(id.lastIndexOf(':') + 1));
    }
  });
});
