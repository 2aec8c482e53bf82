import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseCheck } from '../../../contracts/generated/authorize-checks.js';
import { AuthorizeResponse } from '../../../contracts/index.js';
import type { MockApp } from '../../../mock-server/app/build-app.js';
import { serializeChecked } from '../../../mock-server/core/check-response.js';
import { AUTHORIZE_URL, loadSamples } from '../../support/samples.js';
import { testApp } from '../../support/test-app.js';

// The compiled check of authorize's answer (contracts/generated/authorize-checks.ts) against zod: on every answer
// the simulator gives Klarna's documented requests (approvals, step-ups, declines, tokens), and on those answers
// broken field by field. Passing the compiled check must mean zod passes; a refusal goes to zod, which names it.

let app: MockApp;
const answers: Record<string, unknown>[] = [];

beforeAll(async () => {
  ({ app } = await testApp());
  for (const [name, sample] of Object.entries(loadSamples())) {
    const response = await app.inject({
      method: 'POST',
      url: AUTHORIZE_URL(),
      headers: { ...(sample.headers as Record<string, string>), 'klarna-idempotency-key': `response-check-${name}` },
      payload: sample.body as object,
    });
    if (response.statusCode === 200) answers.push(response.json());
  }
});

afterAll(() => app.close());

/** Every path to a value inside an answer (objects and arrays), the root's fields first. */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: (string | number)[][] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = [...at, Array.isArray(value) ? Number(key) : key];
    out.push(path, ...pathsOf(child, path));
  }
  return out;
}

function withValue(answer: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(answer) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

describe("the compiled check of authorize's answer", () => {
  it('passes every answer the simulator gives to the documented requests, as zod does', () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers) {
      expect(AuthorizeResponse.safeParse(answer).success).toBe(true);
      expect(responseCheck(answer)).toBe(true);
    }
  });

  it('never passes an answer zod refuses, whatever field is broken and how', () => {
    const wrong = fc.constantFrom<unknown>(
      undefined,
      null,
      1.5,
      -1,
      '',
      'x',
      true,
      [],
      {},
      'not a url',
      Number.POSITIVE_INFINITY,
    );
    let refused = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: answers.length - 1 }), fc.nat(), wrong, (n, pick, value) => {
        const answer = answers[n];
        const paths = pathsOf(answer);
        const broken = withValue(answer, paths[pick % paths.length] ?? [], value);
        const zod = AuthorizeResponse.safeParse(broken).success;
        if (!zod) refused += 1;
        if (responseCheck(broken)) expect(zod).toBe(true);
      }),
      { numRuns: 3000, seed: 16 },
    );
    // The check can fail: many of the broken answers are ones zod refuses.
    expect(refused).toBeGreaterThan(500);
  });

  it('still answers a broken answer with the 500 naming the path, from zod', () => {
    const broken = withValue(answers[0], ['payment_transaction_response'], 'nope');
    expect(responseCheck(broken)).toBe(false);
    expect(() => serializeChecked(AuthorizeResponse, broken, responseCheck)).toThrow(/payment_transaction_response/);
  });
});
