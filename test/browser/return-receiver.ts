import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver saw: its path and its query as a plain object. */
export interface ReturnHit {
  path: string;
  query: Record<string, string>;
}

/**
 * A stand-in for the partner's return_url: a local HTTP server that records every hit and answers a small page,
 * so a browser sent back by the hosted page lands somewhere real without leaving 127.0.0.1.
 */
export async function returnReceiver() {
  const hits: ReturnHit[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    hits.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    response.end('<!doctype html><html lang="en"><title>Back at the shop</title><h1>Back at the shop</h1></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
