import { afterEach, describe, expect, it } from 'vitest';
import { type BuiltServer, startBuiltServer } from './built-server.js';
import { openIdle } from './hostile-traffic.js';

// Issue 13: connections that never send a byte were kept open for ever, each holding a socket and its buffers.
// Every wait here is on a socket event, never a sleep.

const SOCKETS = 2_000;

let server: BuiltServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('idle connections, with npm start heap', () => {
  it(`answers a new request while ${SOCKETS} connections send nothing`, async () => {
    server = await startBuiltServer();
    const sockets = await openIdle(server.base, SOCKETS);
    try {
      expect((await fetch(`${server.base}/__mock/health`)).status).toBe(200);
      expect(server.alive()).toBe(true);
    } finally {
      for (const { socket } of sockets) socket.destroy();
    }
  });

  it('closes them after idleTimeoutMs, and still serves', async () => {
    server = await startBuiltServer([], { idleTimeoutMs: 300 });
    const sockets = await openIdle(server.base, SOCKETS);
    await Promise.all(sockets.map(({ closed }) => closed));
    expect(sockets.filter(({ received }) => received() !== '')).toEqual([]);
    expect(server.alive()).toBe(true);
    expect((await fetch(`${server.base}/__mock/health`)).status).toBe(200);
  });
});
