import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CliOption, HELP_OPTION } from '../../shared-cli/cli-option.js';
import { helpText } from '../../shared-cli/help-text.js';
import { parseCli, usageErrorOf } from '../../shared-cli/parse-cli.js';
import { UsageError } from '../../shared-cli/usage-error.js';

const OPTIONS: readonly CliOption[] = [
  { name: 'port', type: 'string', value: '<n>', env: 'PORT', default: '4747', description: 'port to listen on' },
  { name: 'seed', type: 'string', value: '<text>', description: 'a seed' },
  { name: 'quiet', type: 'boolean', description: 'say less' },
  HELP_OPTION,
];

describe('parseCli reads an option table', () => {
  it.each([
    [['--port', '1'], {}, '1', 'flag', '--port'],
    [['--port=2'], { PORT: '3' }, '2', 'flag', '--port'],
    [[], { PORT: '3' }, '3', 'env', 'PORT'],
    [[], { PORT: '' }, '', 'env', 'PORT'],
    [[], {}, '4747', 'default', '--port'],
  ] as const)('takes %j with the environment %j as %j, from the %s, named %s', (argv, env, value, from, label) => {
    const cli = parseCli(OPTIONS, [...argv], env);
    expect(cli.value('port')).toBe(value);
    expect(cli.from('port')).toBe(from);
    expect(cli.label('port')).toBe(label);
  });

  it('leaves an option with no flag, environment variable or default undefined', () => {
    const cli = parseCli(OPTIONS, [], {});
    expect(cli.value('seed')).toBeUndefined();
    expect(cli.from('seed')).toBeUndefined();
    expect(cli.flag('quiet')).toBeUndefined();
  });

  it('reads booleans and -h', () => {
    expect(parseCli(OPTIONS, ['--quiet'], {}).flag('quiet')).toBe(true);
    expect(parseCli(OPTIONS, ['-h'], {}).help).toBe(true);
    expect(parseCli(OPTIONS, [], {}).help).toBe(false);
  });

  it.each([
    [['--colour'], "Unknown option '--colour'"],
    [['--port'], "Option '--port <value>' argument missing"],
    [['--quiet=yes'], "Option '--quiet' does not take an argument"],
    [['stray'], "Unexpected argument 'stray'"],
  ])('refuses %j with a UsageError saying %j', (argv, message) => {
    const refuse = () => parseCli(OPTIONS, argv, {});
    expect(refuse).toThrow(UsageError);
    expect(refuse).toThrow(message);
  });

  it('takes positionals only when asked to', () => {
    expect(parseCli(OPTIONS, ['a', '--quiet', 'b'], {}, { positionals: true }).positionals).toEqual(['a', 'b']);
  });

  it('refuses to read an option that is not in the table, a programming error', () => {
    expect(() => parseCli(OPTIONS, [], {}).value('nope')).toThrow('no option --nope in the table');
  });
});

describe('usageErrorOf names each issue by what the user typed', () => {
  const Schema = z.strictObject({ port: z.string().regex(/^\d+$/, 'expected digits'), command: z.string().min(1) });

  it.each([
    [['--port', 'x'], {}, '--port: expected digits; <command>: too short'],
    [[], { PORT: 'x' }, 'PORT: expected digits; <command>: too short'],
  ])('%j with %j reads %j', (argv, env, message) => {
    const cli = parseCli(OPTIONS, argv, env);
    const parsed = Schema.safeParse({ port: cli.value('port'), command: '' });
    if (parsed.success) throw new Error('expected a failure');
    const error = usageErrorOf(
      new z.ZodError(parsed.error.issues.map((i) => (i.path[0] === 'command' ? { ...i, message: 'too short' } : i))),
      cli,
      { port: 'port', command: '<command>' },
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(message);
  });
});

describe('helpText renders --help from the same table', () => {
  const text = helpText({
    name: 'demo',
    summary: 'demo: a command',
    usage: ['demo [options]', 'npx demo [options]', '', 'A note on usage.'],
    options: OPTIONS,
    notes: 'Exit codes: 0 fine, 2 bad arguments.',
  });

  it('lists every option with its value, default and environment variable, aligned', () => {
    expect(text).toBe(
      [
        'demo: a command',
        '',
        'Usage: demo [options]',
        '       npx demo [options]',
        '',
        'A note on usage.',
        '',
        'Options:',
        '      --port <n>     port to listen on (default 4747; env PORT)',
        '      --seed <text>  a seed',
        '      --quiet        say less',
        '  -h, --help         show this help',
        '',
        'Exit codes: 0 fine, 2 bad arguments.',
        '',
      ].join('\n'),
    );
  });

  it('wraps a long description under its column', () => {
    const long = helpText({
      name: 'x',
      summary: 'x',
      usage: ['x'],
      options: [{ name: 'a', type: 'boolean', description: 'word '.repeat(40).trim() }],
    });
    const lines = long.split('\n').filter((line) => line.includes('word'));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(116);
    expect(lines[1]).toMatch(/^ {11}word/);
  });
});
