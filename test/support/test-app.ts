import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { type BuildAppOptions, buildApp, type MockApp } from '../../mock-server/app/build-app.js';
import { fakeClock, sequentialUuids } from './fake-clock.js';

/** An app with a fake clock and predictable ids; the clock is returned so a test can move it. */
export async function testApp(options: BuildAppOptions = {}) {
  const clock = fakeClock();
  const app = await buildApp({ now: clock.now, uuid: sequentialUuids(), ...options });
  return { app, clock };
}

/** Listens on port 0 over real HTTP and returns the base URL. */
export async function listening(app: MockApp): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * One app for the whole file, over real HTTP: built and listening before the tests, closed after them.
 * Read `served.app` and `served.base` inside tests.
 */
export function servedApp(options: BuildAppOptions = {}) {
  const served = {} as { app: MockApp; base: string };
  beforeAll(async () => {
    ({ app: served.app } = await testApp(options));
    served.base = await listening(served.app);
  });
  afterAll(() => served.app.close());
  return served;
}

/** A port nothing listens on: the OS picks a free one, and it is closed again at once. */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
