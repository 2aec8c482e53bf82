import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runContractSuite } from '../../contract-suite/run-contract-suite.js';

// Providers that answer what no provider should: the suite reports them and finishes, it never crashes or hangs.

const CREDENTIALS = { account: 'krn:partner:global:account:test:M48JWZF8', apiKey: 'klarna_test_api_key' };
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const listening = createServer(handler);
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

describe('the contract suite against hostile providers', () => {
  it('reports JSON nested thousands of levels deep as a body that is not JSON, and finishes every check', async () => {
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(deep);
    });
    const result = await runContractSuite({ baseUrl: url, ...CREDENTIALS, simulator: 'force' });
    expect(result.interactions.length).toBeGreaterThan(0);
    expect(result.interactions.every((i) => i.outcome === 'failed')).toBe(true);
    const paths = new Set(result.interactions.flatMap((i) => i.violations.map((v) => v.path)));
    expect(paths.has('(body)')).toBe(true);
    expect(paths.has('(check)')).toBe(false);
  });

  it('reports an answer that is not JSON once, not again as each field it lacks', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>');
    });
    const result = await runContractSuite({ baseUrl: url, ...CREDENTIALS });
    const samples = result.interactions.filter((i) => i.part === 'portable' && i.name.startsWith('sample '));
    expect(samples.length).toBeGreaterThan(0);
    for (const interaction of samples) {
      expect(interaction.violations).toEqual([
        { path: '(body)', expected: 'a JSON body', received: '"<html>ok</html>"' },
      ]);
    }
  });

  it('shows what the health probe received with its control characters escaped, for the terminal', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('\u001b[2Jgone\u0007');
    });
    const result = await runContractSuite({ baseUrl: url, ...CREDENTIALS });
    expect(result.provider.evidence).toBe('GET /__mock/health answered 404 \\u001b[2Jgone\\u0007');
  });

  it('gives up on an answer that trickles in a byte at a time once the timeout has passed, and goes on', async () => {
    const url = await serve((request, response) => {
      if (request.url === '/__mock/health') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      open += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{');
      const drip = setInterval(() => response.write(' '), 20);
      response.on('close', () => {
        clearInterval(drip);
        open -= 1;
      });
    });
    let open = 0;
    const result = await runContractSuite({ baseUrl: url, ...CREDENTIALS, timeoutMs: 150 });
    // Each abandoned request was aborted, its connection closed: none is left downloading.
    await vi.waitFor(() => expect(open).toBe(0));
    const ran = result.interactions.filter((i) => i.outcome !== 'skipped');
    expect(ran.length).toBeGreaterThan(0);
    for (const interaction of ran) {
      expect(interaction.violations).toContainEqual({
        path: '(response)',
        expected: 'an HTTP answer',
        received: 'no answer within 150 ms',
      });
    }
  });
});
