import { describe, expect, it } from 'vitest';
import { readCertifyOptions, splitCommand } from '../../certify/cli-options.js';

describe("certify's own options come first, the client's command after", () => {
  it.each([
    [['node', 'client.mjs'], [], ['node', 'client.mjs']],
    [
      ['--seed', 's', 'node', 'client.mjs', '--flag'],
      ['--seed', 's'],
      ['node', 'client.mjs', '--flag'],
    ],
    [['--verbose', '--', '--odd-command', 'x'], ['--verbose'], ['--odd-command', 'x']],
    [
      ['--junit', 'r.xml', 'node', '--import', 'tsx', 'c.ts'],
      ['--junit', 'r.xml'],
      ['node', '--import', 'tsx', 'c.ts'],
    ],
    [['--seed=s', 'node'], ['--seed=s'], ['node']],
  ])('%j', (argv, own, command) => {
    expect(splitCommand(argv)).toEqual({ own, command });
  });

  it('reads the options with their defaults', () => {
    expect(readCertifyOptions(['--hang-ms', '1500', 'node', 'c.mjs'])).toEqual({
      help: false,
      options: { seed: 'klarna-mock', hangMs: 1500, verbose: false, command: ['node', 'c.mjs'] },
    });
  });

  it.each([
    [['--base-url', 'ftp://x', 'node'], '--base-url: expected an http:// or https:// URL'],
    [['--hang-ms', '0', 'node'], '--hang-ms: must be at least 1'],
    [
      ['--base-url', 'http://127.0.0.1:4747', '--hang-ms', '10', 'node'],
      '--hang-ms applies to a simulator certify starts',
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => readCertifyOptions(argv)).toThrow(message);
  });
});
