import { z } from 'zod';

/** A command-line number of milliseconds (as typed: digits only), from 1 up to `max` when given. */
export function millisecondsOption(max?: number) {
  const ms = z.int().min(1, 'must be at least 1');
  return z
    .string()
    .regex(/^\d{1,7}$/, 'expected a whole number of milliseconds')
    .transform(Number)
    .pipe(max === undefined ? ms : ms.max(max, `must be at most ${max}`));
}
