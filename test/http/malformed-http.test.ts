import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KlarnaError } from '../../contracts/index.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { servedApp } from '../support/test-app.js';

const served = servedApp();

/** Writes raw bytes and collects everything the server sends until it closes the socket. */
function raw(bytes: string): Promise<string> {
  const { hostname, port } = new URL(served.base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

const bodyOf = (response: string) => KlarnaError.parse(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)));

describe('requests Node itself cannot parse', () => {
  it('answers headers over 32 KB, which Node refuses to read, with 431 in Klarna shape', async () => {
    const response = await raw(
      `POST ${AUTHORIZE_URL()} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\nContent-Length: 0\r\n\r\n`,
    );
    expect(response.startsWith('HTTP/1.1 431')).toBe(true);
    const body = bodyOf(response);
    expect(body.error_code).toBe('HEADERS_TOO_LARGE');
    expect(response.toLowerCase()).toContain(`klarna-correlation-id: ${body.error_id}`);
  });

  it('answers a garbled request line with 400 in Klarna shape', async () => {
    const response = await raw('HELLO THERE\r\n\r\n');
    expect(response.startsWith('HTTP/1.1 400')).toBe(true);
    expect(bodyOf(response).error_code).toBe('BAD_REQUEST');
  });

  it('keeps serving after them', async () => {
    const response = await fetch(`${served.base}/__mock/health`);
    expect(response.status).toBe(200);
  });
});
