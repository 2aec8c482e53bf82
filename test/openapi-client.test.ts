import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedApp } from './support/test-app.js';

const served = servedApp();
const GENERATION_TIMEOUT = 60_000;

/**
 * What a user of a generated client writes: openapi-fetch typed by the `paths` openapi-typescript made from
 * /openapi.json. It is type-checked against those types, then run.
 */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

export async function authorize(baseUrl: string, partnerAccountId: string, apiKey: string) {
  const client = createClient<paths>({ baseUrl });
  const { data, error, response } = await client.POST('/v2/accounts/{partner_account_id}/payment/authorize', {
    params: { path: { partner_account_id: partnerAccountId } },
    headers: { Authorization: \`Basic \${apiKey}\` },
    body: {
      currency: 'USD',
      request_payment_transaction: { amount: 11800, payment_transaction_reference: 'order-1234' },
      supplementary_purchase_data: {
        purchase_reference: 'order-1234',
        line_items: [{ name: 'Running shoes', quantity: 1, total_amount: 11800 }],
      },
    },
  });
  return { status: response.status, result: data?.payment_transaction_response?.result, error: error?.error_code };
}
`;

// Inside node_modules, so that the generated client resolves openapi-fetch as a user's project would.
const CACHE = join(process.cwd(), 'node_modules', '.cache');
let dir: string;

beforeAll(async () => {
  await mkdir(CACHE, { recursive: true });
  dir = await mkdtemp(join(CACHE, 'klarna-mock-openapi-client-'));
  const document = await (await fetch(`${served.base}/openapi.json`)).json();
  await writeFile(join(dir, 'api.d.ts'), astToString(await openapiTS(document)));
  await writeFile(join(dir, 'client.ts'), CLIENT);
}, GENERATION_TIMEOUT);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a client generated from /openapi.json by openapi-typescript and openapi-fetch', () => {
  it(
    'type-checks a call of authorizePayment against the generated types',
    () => {
      const program = ts.createProgram([join(dir, 'client.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: [],
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      expect(problems).toEqual([]);
    },
    GENERATION_TIMEOUT,
  );

  it('authorizes against the simulator and gets APPROVED', async () => {
    const client = join(dir, 'client.mjs');
    const { outputText } = ts.transpileModule(CLIENT, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    await writeFile(client, outputText);
    const { authorize } = await import(pathToFileURL(client).href);
    const answer = await authorize(served.base, 'krn:partner:global:account:test:M48JWZF8', 'k');
    expect(answer).toEqual({ status: 200, result: 'APPROVED', error: undefined });
  });
});
