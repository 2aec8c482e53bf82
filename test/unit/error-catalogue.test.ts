import { describe, expect, it } from 'vitest';
import { catalogue, KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';

describe('catalogue errors', () => {
  it('carry no stack trace (they are answers, not faults) and leave the process stack-trace limit as it was', () => {
    const before = Error.stackTraceLimit;
    const error = catalogue.validation([{ parameter: 'currency', reason: 'required' }]);
    expect(error).toBeInstanceOf(KlarnaHttpError);
    expect(error.stack).not.toMatch(/\n\s+at /);
    expect(error.message).toBeTruthy();
    expect(Error.stackTraceLimit).toBe(before);
    // Other errors still get theirs.
    expect(new Error('fault').stack).toMatch(/\n\s+at /);
  });
});
