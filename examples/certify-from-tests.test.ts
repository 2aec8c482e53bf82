// The example of docs/guides/certify-your-client.md ("From your own tests"), run as part of this project's tests
// (test/docs/guide-examples.test.ts checks that the guide's text is this file's). Its client is the careful one.

import { certify } from 'klarna-mock/certify';
import { expect, it } from 'vitest';
import { pay } from './careful-client.mjs'; // yours: one purchase, with its webhook receiver

it('retries Klarna safely', { timeout: 60_000 }, async () => {
  const result = await certify({
    seed: 'ci',
    client: (context) => pay({ ...context, amount: 2500 }),
  });
  expect(result.cases.flatMap((c) => c.verdicts.filter((v) => !v.passed))).toEqual([]);
});
