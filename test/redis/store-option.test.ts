import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCliOptions } from '../../mock-server/app/cli-options.js';
import { openAnswerStore } from '../../mock-server/app/open-answer-store.js';
import { parseMockConfig } from '../../mock-server/core/config.js';
import { describeStoreLocation, parseStoreLocation } from '../../mock-server/core/store/store-location.js';
import { StoreUnreachable } from '../../mock-server/io/redis/open-redis-store.js';
import { commandArgs } from '../support/command-bundle.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (argv: string[], env: NodeJS.ProcessEnv = {}) => readCliOptions(argv, env, false);

/** A port nothing listens on: taken, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a store location', () => {
  it('is memory, a Redis URL (TLS or not), or a Cluster with its startup nodes', () => {
    expect(parseStoreLocation('memory')).toEqual({ kind: 'memory' });
    expect(parseStoreLocation('redis://127.0.0.1:6379/2')).toEqual({
      kind: 'redis',
      url: 'redis://127.0.0.1:6379/2',
      tls: false,
    });
    expect(parseStoreLocation('rediss://user:pw@redis.internal')).toMatchObject({ kind: 'redis', tls: true });
    expect(parseStoreLocation('redis-cluster://a:7000,b:7001,[::1]')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
        { host: '::1', port: 6379 },
      ],
      tls: false,
    });
    expect(parseStoreLocation('rediss-cluster://me:p%40ss@a:7000')).toMatchObject({
      kind: 'cluster',
      tls: true,
      username: 'me',
      password: 'p@ss',
    });
  });

  it('refuses anything else with the forms it takes', () => {
    expect(parseStoreLocation('postgres://x')).toEqual({ error: expect.stringContaining('redis-cluster://') });
    expect(parseStoreLocation('redis://host/db')).toEqual({ error: expect.stringContaining('must be a number') });
    expect(parseStoreLocation('redis-cluster://a:1,:2')).toEqual({ error: '":2" is not host:port' });
  });

  it('is shown with its password hidden', () => {
    expect(describeStoreLocation('redis://user:secret@h:1/0')).toBe('redis://user:[redacted]@h:1/0');
    expect(describeStoreLocation('redis-cluster://:secret@a:1,b:2')).toBe('redis-cluster://:[redacted]@a:1,b:2');
    expect(describeStoreLocation('redis://h:1')).toBe('redis://h:1');
  });
});

describe('the store setting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'klarna-mock-store-option-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is memory unless told', () => {
    expect(parseMockConfig({}).data?.store).toBe('memory');
  });

  it('comes from --store, else KLARNA_MOCK_STORE, else the settings file', () => {
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ store: 'redis://from-file:1' }));
    const env = { KLARNA_MOCK_STORE: 'redis://from-env:1' };
    expect(read(['--config', file])).toMatchObject({ options: { config: { store: 'redis://from-file:1' } } });
    expect(read(['--config', file], env)).toMatchObject({ options: { config: { store: 'redis://from-env:1' } } });
    expect(read(['--config', file, '--store', 'memory'], env)).toMatchObject({
      options: { config: { store: 'memory' } },
    });
  });

  it('refuses a bad location naming where it came from', () => {
    expect(() => read(['--store', 'mysql://x'])).toThrow(/^--store: expected `memory`/);
    expect(() => read([], { KLARNA_MOCK_STORE: 'nope' })).toThrow(/^KLARNA_MOCK_STORE: expected/);
    expect(parseMockConfig({ store: 'nope' }).error?.issues[0]).toMatchObject({ path: ['store'] });
  });
});

describe('a Redis store that cannot be reached at start', () => {
  it('rejects opening with the address and the reason', async () => {
    const port = await closedPort();
    const config = parseMockConfig({ store: `redis://127.0.0.1:${port}/0` }).data;
    if (!config) throw new Error('settings refused');
    const opening = openAnswerStore(config, () => {});
    await expect(opening).rejects.toBeInstanceOf(StoreUnreachable);
    await expect(opening).rejects.toThrow(
      `the store redis://127.0.0.1:${port}/0 cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('stops the command with exit code 2, naming the address and the reason', async () => {
    const port = await closedPort();
    const child = spawn(process.execPath, commandArgs(['--port', '0', '--store', `redis://127.0.0.1:${port}`]), {
      cwd: ROOT,
      env: { ...process.env, KLARNA_MOCK_STORE: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'close');
    expect(code).toBe(2);
    expect(stderr).toBe(
      `klarna-mock: the store redis://127.0.0.1:${port} cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });
});
