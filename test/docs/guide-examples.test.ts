import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { listening, testApp } from '../support/test-app.js';

// Every ```sh example of the README and the guides runs in bash, in order (a guide's later blocks use the variables
// of its earlier ones), against a fresh simulator on a free port: http://127.0.0.1:4747 becomes its URL. A block
// followed by an output block must print what it shows (the status line, the results, states and error codes, the
// ids' shape); one without must exit 0. A block that starts or installs something is marked ```sh no-run and may
// hold no curl. TypeScript examples that are tests live in examples/, which vitest runs: the guide's text must be
// a file's there; a JavaScript program is examples/<its name>.mjs, run by a test of its own.
// docs/guides/after-payment.md has its own executing test (after-payment-guide.test.ts).

const ROOT = join(import.meta.dirname, '../..');
const DOCUMENTED = 'http://127.0.0.1:4747';
const GUIDES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs/guides'))
    .filter((name) => name.endsWith('.md') && name !== 'after-payment.md')
    .map((name) => `docs/guides/${name}`),
];
const run = promisify(execFile);

interface Example {
  line: number;
  script: string;
  noRun: boolean;
  /** The output block right after it, if any. */
  shown: string | undefined;
}

function examplesOf(markdown: string): Example[] {
  const pattern = /^```sh( no-run)?\n([\s\S]*?)^```\n(?:\s*\n)*(?:^```(?:json|text)?\n([\s\S]*?)^```$)?/gm;
  return [...markdown.matchAll(pattern)].map((match) => ({
    line: markdown.slice(0, match.index).split('\n').length,
    script: match[2] ?? '',
    noRun: match[1] !== undefined,
    shown: match[3],
  }));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What an output block shows that a run must show too, as patterns over the run's output. */
function factsOf(shown: string): RegExp[] {
  const facts: RegExp[] = [];
  for (const [, status] of shown.matchAll(/^HTTP\/1\.1 (\d{3})/gm)) facts.push(new RegExp(`HTTP/1\\.1 ${status}`));
  for (const [, key, value] of shown.matchAll(
    /"(result|state|previous_state|error_code|error_type|event_type|account|url|payment_transaction_reference)": ?"([^"…]+)"/g,
  )) {
    facts.push(new RegExp(`"${key}": ?"${escapeRegExp(value ?? '')}"`));
  }
  for (const [, key, value] of shown.matchAll(/"(disarmed|amount|requests|errors)": ?(\d+)/g)) {
    facts.push(new RegExp(`"${key}": ?${value}\\b`));
  }
  for (const [, code] of shown.matchAll(/^curl: \((\d+)\)/gm)) facts.push(new RegExp(`curl: \\(${code}\\)`));
  // A bare id on its own line: the same kind of id, whatever its uuid.
  for (const [, prefix] of shown.matchAll(/^(krn:[a-z0-9:-]+:)[0-9a-f-]{36}$/gm)) {
    facts.push(new RegExp(`^${escapeRegExp(prefix ?? '')}[0-9a-f-]{36}$`, 'm'));
  }
  for (const [, head] of shown.matchAll(/^(Client report for \S+: \d+ requests)$/gm)) {
    facts.push(new RegExp(`^${escapeRegExp(head ?? '')}$`, 'm'));
  }
  for (const [, mark, severity, code, count] of shown.matchAll(/^([✗!]) (error|warning)\s+(\S+) \((\d+)×\)$/gm)) {
    facts.push(
      new RegExp(`^${escapeRegExp(mark ?? '')} ${severity}\\s+${escapeRegExp(code ?? '')} \\(${count}×\\)$`, 'm'),
    );
  }
  return facts;
}

describe.each(GUIDES)('the shell examples of %s', (guide) => {
  const examples = examplesOf(readFileSync(join(ROOT, guide), 'utf8'));
  const runnable = examples.filter((example) => !example.noRun);
  let app: MockApp;
  let base: string;
  const outputs: { output: string; code: number }[] = [];

  beforeAll(async () => {
    if (runnable.length === 0) return;
    // Delays and hangs pass at once, and webhooks go nowhere: the examples' outcomes, without their waiting.
    ({ app } = await testApp({ sleep: async () => {}, webhookPost: async () => 204 }));
    base = await listening(app);
    const script = runnable
      .map(
        (example, i) =>
          `echo '@@${i}@@'\n{\n${example.script.replaceAll(DOCUMENTED, base)}\n} 2>&1\necho "@@exit $?@@"`,
      )
      .join('\n');
    const { stdout } = await run('bash', ['-c', script], { cwd: ROOT, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    for (const [, output = '', code = ''] of stdout.matchAll(/@@\d+@@\n([\s\S]*?)@@exit (\d+)@@/g)) {
      outputs.push({ output, code: Number(code) });
    }
  }, 90_000);
  afterAll(() => app?.close());

  it('marks as no-run only commands that install or start something, never a curl', () => {
    for (const example of examples.filter((e) => e.noRun)) {
      expect(example.script).not.toContain('curl');
      expect(example.script).toMatch(/^(npm|npx|\(cd) /m);
    }
    expect(outputs.length).toBe(runnable.length);
  });

  it.runIf(runnable.length > 0).each(runnable.map((example, i) => ({ ...example, i })))(
    'line $line runs and gives what the guide shows',
    ({ i, shown }) => {
      const { output, code } = outputs[i] ?? { output: '', code: -1 };
      if (shown === undefined) {
        expect(code, output).toBe(0);
        return;
      }
      const facts = factsOf(shown.replaceAll(DOCUMENTED, base));
      expect(facts.length, `nothing to check in the output the guide shows:\n${shown}`).toBeGreaterThan(0);
      for (const fact of facts) expect(output).toMatch(fact);
    },
  );
});

describe('the TypeScript examples that are tests', () => {
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => readFileSync(join(ROOT, 'examples', name), 'utf8'));
  const blocks = GUIDES.flatMap((guide) =>
    [...readFileSync(join(ROOT, guide), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)]
      .map(([, code = '']) => ({ guide, code }))
      .filter(({ code }) => /^it\(/m.test(code)),
  );

  it('are found', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks)('$guide: the example is a file of examples/, which vitest runs', ({ code }) => {
    expect(examples.some((file) => file.includes(code))).toBe(true);
  });

  it('are never marked no-run: each is run, as a file of examples/', () => {
    const marked = GUIDES.flatMap((guide) =>
      [...readFileSync(join(ROOT, guide), 'utf8').matchAll(/^```(?:ts|js) no-run$/gm)].map(() => guide),
    );
    expect(marked).toEqual([]);
  });
});

// A JavaScript program of a guide (```js, its first line `// <name>.mjs: …`) is examples/<name>.mjs, which a test
// runs: the step-up guide's webhook receiver is run by webhook-receiver-example.test.ts.
describe('the JavaScript programs of the guides', () => {
  const programs = GUIDES.flatMap((guide) =>
    [...readFileSync(join(ROOT, guide), 'utf8').matchAll(/^```js\n([\s\S]*?)^```$/gm)].map(([, code = '']) => ({
      guide,
      code,
      name: /^\/\/ ([\w-]+\.mjs):/.exec(code)?.[1] ?? '(unnamed)',
    })),
  );

  it('are found', () => {
    expect(programs.length).toBeGreaterThanOrEqual(1);
  });

  it.each(programs)('$guide: $name is the file of examples/ of that name', ({ code, name }) => {
    const file = join(ROOT, 'examples', name);
    expect(existsSync(file), `examples/${name}`).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(code);
  });
});
