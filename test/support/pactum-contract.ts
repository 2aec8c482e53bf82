import pactum from 'pactum';
import type { z } from 'zod';
import { contractViolations } from './klarna-client.js';

/**
 * `.expect('contract', Schema)`: the response body must parse with a contracts/ schema; the failure names
 * every path that broke (the same check as the typed client's `expectContract()`).
 */
pactum.handler.addExpectHandler('contract', (ctx) => {
  const violations = contractViolations(ctx.data as z.ZodType, ctx.res.json);
  if (violations.length > 0) throw new Error(`response breaks the contract:\n  ${violations.join('\n  ')}`);
});

export { pactum };
