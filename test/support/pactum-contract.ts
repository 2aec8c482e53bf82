import pactum from 'pactum';
import type { z } from 'zod';

/**
 * `.expect('contract', Schema)`: the response body must parse with a contracts/ schema; the failure names
 * every path that broke.
 */
pactum.handler.addExpectHandler('contract', (ctx) => {
  const schema = ctx.data as z.ZodType;
  const result = schema.safeParse(ctx.res.json);
  if (!result.success) {
    const paths = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`response breaks the contract:\n  ${paths.join('\n  ')}`);
  }
});

export { pactum };
