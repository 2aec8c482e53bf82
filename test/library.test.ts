import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPaymentRequestSamples, loadSamples } from '../contract-suite/documented-requests.js';
import { suiteInteractions } from '../contract-suite/run-contract-suite.js';
import { spawnContractCli } from './contract-suite/spawn-contract-cli.js';
import { listening, testApp } from './support/test-app.js';

const root = join(import.meta.dirname, '..');

// Partners import the compiled package (package.json "exports" → dist/), in plain Node, without tsx.
const script = `
import { startMock, verifyKlarnaSignature, signBody } from 'klarna-mock';
import { AuthorizeRequest, AuthorizeResponse, KlarnaError } from 'klarna-mock/contracts';
const mock = await startMock();
const account = 'krn:partner:global:account:test:LIBRARY1';
const request = AuthorizeRequest.parse({ currency: 'USD', request_payment_transaction: { amount: 100 } });
const response = await fetch(mock.authorizeUrl(account), {
  method: 'POST',
  headers: { Authorization: 'Basic k', 'Content-Type': 'application/json' },
  body: JSON.stringify(request),
});
const body = AuthorizeResponse.parse(await response.json());
const journal = mock.requests(account);
await mock.close();
console.log(JSON.stringify({
  result: body.payment_transaction_response.result,
  journal: journal.length,
  warnings: journal[0].findings.map((f) => f.code),
  error: typeof KlarnaError.parse,
  signature: verifyKlarnaSignature('{}', signBody('{}', 'key'), 'key'),
}));
`;

describe('the package as partners import it', () => {
  it('exports startMock, the signature verifier and the contracts from the compiled build', () => {
    expect(existsSync(join(root, 'dist/mock-server/index.js')), 'run `npm run build` first').toBe(true);
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      result: 'APPROVED',
      journal: 1,
      warnings: ['missing_supplementary_purchase_data', 'missing_idempotency_key'],
      error: 'function',
      signature: true,
    });
  });
});

describe('the installed commands', () => {
  it('klarna-mock-contract runs from the compiled build, finding the documented requests at the package root', async () => {
    expect(existsSync(join(root, 'dist/contract-suite/cli.js')), 'run `npm run build` first').toBe(true);
    const { app } = await testApp();
    try {
      const run = await spawnContractCli(['--base-url', await listening(app)], { compiled: true });
      expect(run.stderr).toBe('');
      const samples = loadSamples();
      const all = suiteInteractions(samples, loadPaymentRequestSamples()).length;
      expect(run.stdout).toContain(`PASSED: ${all} interactions`);
      expect(run.code).toBe(0);
    } finally {
      await app.close();
    }
  });
});
