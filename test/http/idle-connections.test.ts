import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { servedApp } from '../support/test-app.js';

// Every wait here is on a socket event; the 200 ms timeout only bounds how long the test takes.
const IDLE_MS = 200;

const served = servedApp({ config: { idleTimeoutMs: IDLE_MS } });

async function open(): Promise<{ socket: Socket; received: () => string }> {
  const { hostname, port } = new URL(served.base);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return { socket, received: () => text };
}

describe('idle connections', () => {
  it('closes a connection that never sends a byte after idleTimeoutMs', async () => {
    const { socket, received } = await open();
    const opened = performance.now();
    await once(socket, 'close');
    expect(performance.now() - opened).toBeGreaterThanOrEqual(IDLE_MS - 20);
    expect(received()).toBe('');
  });

  it('closes a kept-alive connection that sends nothing more after its answer', async () => {
    const { socket, received } = await open();
    socket.write('GET /__mock/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'close');
    expect(received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('does not cut short a request that waits longer than idleTimeoutMs for its answer', async () => {
    const account = 'krn:partner:global:account:test:IDLE';
    const armed = await fetch(`${served.base}/__mock/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account, scenario: { name: 'slow', delay_ms: IDLE_MS * 2 } }),
    });
    expect(armed.status).toBe(201);
    const response = await fetch(`${served.base}/v2/accounts/${encodeURIComponent(account)}/payment/authorize`, {
      method: 'POST',
      headers: { authorization: 'Basic k', 'content-type': 'application/json' },
      body: JSON.stringify({ currency: 'USD', request_payment_transaction: { amount: 100 } }),
    });
    expect(response.status).toBe(200);
  });
});
