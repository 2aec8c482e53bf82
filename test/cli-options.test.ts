import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HELP, readCliOptions } from '../mock-server/app/cli-options.js';
import { UsageError } from '../shared-cli/usage-error.js';

// The simulator's command line in-process: mock-server/app/main.ts prints a thrown message after `klarna-mock: ` and
// exits 2 (test/cli.test.ts runs the real command for that).

const read = (argv: string[], env: NodeJS.ProcessEnv = {}) => readCliOptions(argv, env, false);

describe("the simulator's options", () => {
  it('has its defaults with no arguments', () => {
    expect(read([])).toEqual({
      help: false,
      options: expect.objectContaining({ port: 4747, host: '127.0.0.1', logLevel: 'info', logFormat: 'json' }),
    });
  });

  it('takes PORT, HOST and LOG_LEVEL from the environment, and a flag over each', () => {
    const env = { PORT: '1234', HOST: '127.0.0.2', LOG_LEVEL: 'warn' };
    expect(read([], env)).toMatchObject({ options: { port: 1234, host: '127.0.0.2', logLevel: 'warn' } });
    expect(read(['--port', '0', '--host', 'localhost', '--log-level', 'debug'], env)).toMatchObject({
      options: { port: 0, host: 'localhost', logLevel: 'debug' },
    });
  });

  it('is pretty in a terminal and json otherwise, unless told', () => {
    expect(readCliOptions([], {}, true)).toMatchObject({ options: { logFormat: 'pretty' } });
    expect(readCliOptions(['--log-format', 'json'], {}, true)).toMatchObject({ options: { logFormat: 'json' } });
  });

  it('answers --help and -h with the help, which lists every option', () => {
    expect(read(['--help'])).toEqual({ help: true });
    expect(read(['-h'])).toEqual({ help: true });
    for (const option of ['--port', '--host', '--config', '--fixtures', '--seed', '--log-level', '--log-format']) {
      expect(HELP).toContain(option);
    }
    expect(HELP).toContain('--admin-token');
    expect(HELP).toContain('--admin-open');
  });

  it('puts --seed, --admin-token and --admin-open into the settings', () => {
    const token = 'a-long-enough-admin-token';
    expect(read(['--seed', 's', '--admin-token', token, '--admin-open'])).toMatchObject({
      options: { config: { seed: 's', adminToken: token, adminOpen: true } },
    });
    expect(read([], { KLARNA_MOCK_ADMIN_TOKEN: token, KLARNA_MOCK_ADMIN_OPEN: '1' })).toMatchObject({
      options: { config: { adminToken: token, adminOpen: true } },
    });
  });

  // A plain number coercion reads '' as 0: an empty value used to start the simulator on a random port.
  it.each([
    [['--port', 'nope'], {}, '--port: expected a whole number from 0 to 65535'],
    [['--port', ''], {}, '--port: expected a whole number from 0 to 65535'],
    [['--port', '99999'], {}, '--port: expected a whole number from 0 to 65535'],
    [['--port', '1e3'], {}, '--port: expected a whole number from 0 to 65535'],
    [['--log-level', 'loud'], {}, '--log-level: '],
    [['--log-format', 'xml'], {}, '--log-format: '],
    [[], { PORT: 'nope' }, 'PORT: expected a whole number from 0 to 65535'],
    [[], { PORT: '' }, 'PORT: expected a whole number from 0 to 65535'],
    [[], { LOG_LEVEL: 'loud' }, 'LOG_LEVEL: '],
    [['--admin-token', 'short'], {}, '--admin-token: at least 16 characters'],
    [[], { KLARNA_MOCK_ADMIN_TOKEN: 'short' }, 'KLARNA_MOCK_ADMIN_TOKEN: at least 16 characters'],
    [[], { KLARNA_MOCK_ADMIN_OPEN: 'yes' }, 'KLARNA_MOCK_ADMIN_OPEN: expected true or false'],
    [['--workers', '0'], {}, '--workers: expected a whole number from 1 to 64'],
    [['--workers', '65', '--store', 'redis://h:1'], {}, '--workers: expected a whole number from 1 to 64'],
    [['--workers', '2.5'], {}, '--workers: expected a whole number from 1 to 64'],
    [[], { KLARNA_MOCK_WORKERS: '' }, 'KLARNA_MOCK_WORKERS: expected a whole number from 1 to 64'],
    [
      ['--workers', '2'],
      {},
      '--workers 2 needs a shared store (each worker would keep answers of its own): start with --store redis://host:port',
    ],
    [['--workers', '2', '--store', 'memory'], {}, '--workers 2 needs a shared store'],
    [[], { KLARNA_MOCK_WORKERS: '3' }, 'KLARNA_MOCK_WORKERS=3 needs a shared store'],
    [['--colour'], {}, "Unknown option '--colour'"],
    [['--port'], {}, "Option '--port <value>' argument missing"],
    [['stray'], {}, "Unexpected argument 'stray'"],
  ])('refuses %j with the environment %j, the message starting %j', (argv, env, message) => {
    const refuse = () => read(argv, env);
    expect(refuse).toThrow(UsageError);
    expect(refuse).toThrow(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('never quotes a bad admin token', () => {
    expect(() => read(['--admin-token', 'secret with spaces!'])).toThrow(/^--admin-token: (?!.*secret)/);
  });

  describe('with files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klarna-mock-cli-options-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses a config file that breaks the schema, naming the file and the bad setting', () => {
      const file = join(dir, 'bad-currencies.json');
      writeFileSync(file, JSON.stringify({ currencies: 'USD' }));
      expect(() => read(['--config', file])).toThrow(`${file}: currencies: `);
    });

    it('refuses a config file that is not JSON, naming the file', () => {
      const file = join(dir, 'not-json.json');
      writeFileSync(file, '{ currencies: ');
      expect(() => read(['--config', file])).toThrow(file);
    });

    it('refuses a --fixtures directory that does not exist', () => {
      expect(() => read(['--fixtures', join(dir, 'missing')])).toThrow(UsageError);
      expect(() => read(['--fixtures', join(dir, 'missing')])).toThrow(/^--fixtures: .*missing does not exist$/);
    });

    it('takes --workers, else KLARNA_MOCK_WORKERS, else the settings file, and refuses several on memory', () => {
      const file = join(dir, 'workers.json');
      writeFileSync(file, JSON.stringify({ workers: 3, store: 'redis://from-file:1' }));
      const env = { KLARNA_MOCK_WORKERS: '4' };
      expect(read([])).not.toHaveProperty('options.config.workers');
      expect(read(['--config', file])).toMatchObject({ options: { config: { workers: 3 } } });
      expect(read(['--config', file], env)).toMatchObject({ options: { config: { workers: 4 } } });
      expect(read(['--config', file, '--workers', '1'], env)).toMatchObject({ options: { config: { workers: 1 } } });
      // Several workers on the memory store: refused whichever place named them.
      expect(() => read(['--config', file, '--store', 'memory'])).toThrow(
        /^"workers": 3 in the settings file needs a shared store .*: start with --store redis:\/\/host:port/,
      );
      expect(() => read(['--config', file, '--store', 'memory', '--workers', '1'])).not.toThrow();
    });

    it('takes --fixtures over the settings file, and the flags over its seed', () => {
      const file = join(dir, 'settings.json');
      writeFileSync(file, JSON.stringify({ fixturesDir: 'elsewhere', seed: 'from-file' }));
      expect(read(['--config', file, '--fixtures', dir, '--seed', 'flag'])).toMatchObject({
        options: { config: { fixturesDir: dir, seed: 'flag' } },
      });
    });
  });
});
