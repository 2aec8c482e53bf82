import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  raw: string;
  signature: string | undefined;
  keyId: string | undefined;
}

/** A partner's webhook endpoint: records what arrives and answers the scripted statuses, then 200. */
export async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      received.push({
        raw,
        signature: request.headers['klarna-signature'] as string | undefined,
        keyId: request.headers['klarna-signing-key-id'] as string | undefined,
      });
      response.statusCode = statuses.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/klarna/webhooks`, received, close: () => server.close() };
}
