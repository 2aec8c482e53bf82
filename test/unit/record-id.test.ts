import fc from 'fast-check';
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

  it('agrees with slicing after the last colon for any text of colons and other characters, near a uuid long', () => {
    const text = fc.array(fc.constantFrom(':', 'a', '-', 'é', '0'), { maxLength: 80 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.oneof(
          text,
          text.map((s) => `${s}:${'b'.repeat(36)}`),
          text.map((s) => `${s.slice(0, 36)}`),
        ),
        (id) => {
          expect(recordId(id)).toBe(id.slice(id.lastIndexOf(':') + 1));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
