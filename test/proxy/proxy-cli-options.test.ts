import { describe, expect, it } from 'vitest';
import { PROXY_HELP, readProxyOptions } from '../../mock-server/app/proxy-cli-options.js';
import { UsageError } from '../../shared-cli/usage-error.js';

// The proxy's command line in-process: run-proxy.ts prints a thrown message after `klarna-mock proxy: ` and exits 2.

const read = (argv: string[], env: NodeJS.ProcessEnv = {}) => readProxyOptions(argv, env, false);
const UPSTREAM = ['--upstream', 'http://127.0.0.1:9'];

describe("the proxy's options", () => {
  it('has its defaults beside --upstream', () => {
    expect(read(UPSTREAM)).toEqual({
      help: false,
      options: {
        upstream: 'http://127.0.0.1:9',
        port: 4748,
        host: '127.0.0.1',
        timeoutMs: 30000,
        logLevel: 'info',
        logFormat: 'json',
        adminOpen: false,
      },
    });
  });

  it('takes the upstream, account, token and open flag from the environment', () => {
    const env = {
      KLARNA_MOCK_UPSTREAM: 'http://u',
      KLARNA_ACCOUNT_ID: 'acc',
      KLARNA_MOCK_ADMIN_TOKEN: 'a-long-enough-admin-token',
      KLARNA_MOCK_ADMIN_OPEN: 'true',
    };
    expect(read([], env)).toMatchObject({
      options: { upstream: 'http://u', account: 'acc', adminToken: 'a-long-enough-admin-token', adminOpen: true },
    });
  });

  it('answers --help with the help, which lists every option', () => {
    expect(read(['--help'])).toEqual({ help: true });
    for (const option of ['--upstream', '--port', '--host', '--account', '--timeout', '--admin-token']) {
      expect(PROXY_HELP).toContain(option);
    }
  });

  it.each([
    [['--port', '0'], {}, '--upstream: required'],
    [[...UPSTREAM, '--port', 'x'], {}, '--port: expected a whole number from 0 to 65535'],
    [UPSTREAM, { PORT: 'x' }, 'PORT: expected a whole number from 0 to 65535'],
    [[...UPSTREAM, '--timeout', '0'], {}, '--timeout: expected at least 1 ms'],
    [[...UPSTREAM, '--timeout', 'soon'], {}, '--timeout: expected a whole number of milliseconds'],
    [[...UPSTREAM, '--admin-token', 'short'], {}, '--admin-token: at least 16 characters'],
    [[...UPSTREAM, '--log-level', 'loud'], {}, '--log-level: '],
    [[...UPSTREAM, '--colour'], {}, "Unknown option '--colour'"],
  ])('refuses %j with the environment %j, saying %j', (argv, env, message) => {
    const refuse = () => read(argv, env);
    expect(refuse).toThrow(UsageError);
    expect(refuse).toThrow(message);
  });
});
