import type { InteractionResult, Part } from './interaction.js';
import type { SuiteResult } from './run-contract-suite.js';
import { formatViolation, providerLine } from './text-report.js';

// JUnit XML as CI servers read it (the Ant/Surefire dialect): one <testsuite> per part, one <testcase> per
// interaction, a <failure> listing its violations, <skipped/> for the simulator-only part against another provider.

const PART_SUITES: Record<Part, string> = { portable: 'portable', simulator: 'simulator-only' };

/** XML 1.0's Char production: anything else (control characters, lone surrogates) cannot appear even escaped. */
const isXmlChar = (c: number) =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;

/** A broken provider may send anything; what XML cannot carry becomes U+FFFD. */
function xmlChars(text: string): string {
  let out = '';
  for (const char of text) out += isXmlChar(char.codePointAt(0) ?? 0) ? char : '\uFFFD';
  return out;
}

export function escapeXml(text: string): string {
  return xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const attributes = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');

function testcase(interaction: InteractionResult): string {
  const head = `    <testcase${attributes({
    classname: `contract.${PART_SUITES[interaction.part]}`,
    name: interaction.name,
    time: seconds(interaction.durationMs),
  })}`;
  if (interaction.outcome === 'passed') return `${head}/>`;
  if (interaction.outcome === 'skipped') {
    return `${head}>\n      <skipped${attributes({ message: 'the provider is not the simulator' })}/>\n    </testcase>`;
  }
  const count = interaction.violations.length;
  const message = `${count} contract ${count === 1 ? 'violation' : 'violations'}`;
  const body = interaction.violations.map((v) => escapeXml(formatViolation(v))).join('\n');
  return `${head}>\n      <failure${attributes({ message, type: 'ContractViolation' })}>${body}</failure>\n    </testcase>`;
}

export function junitXml(result: SuiteResult): string {
  const total = (list: InteractionResult[]) => ({
    tests: list.length,
    failures: list.filter((i) => i.outcome === 'failed').length,
    errors: 0,
    skipped: list.filter((i) => i.outcome === 'skipped').length,
    time: seconds(list.reduce((sum, i) => sum + i.durationMs, 0)),
  });
  const suites = (['portable', 'simulator'] as const).map((part) => {
    const list = result.interactions.filter((i) => i.part === part);
    const properties = Object.entries({
      base_url: result.baseUrl,
      account: result.account,
      provider: providerLine(result),
    }).map(([name, value]) => `      <property${attributes({ name, value })}/>`);
    return [
      `  <testsuite${attributes({ name: PART_SUITES[part], ...total(list) })}>`,
      '    <properties>',
      ...properties,
      '    </properties>',
      ...list.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'klarna-mock contract suite', ...total(result.interactions) })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** The run could not start: one errored testcase, the step that failed, so a CI dashboard shows why, not nothing. */
export function junitCouldNotRun(step: string, reason: string): string {
  const totals = { tests: 1, failures: 0, errors: 1, skipped: 0, time: seconds(0) };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'klarna-mock contract suite', ...totals })}>`,
    `  <testsuite${attributes({ name: 'setup', ...totals })}>`,
    `    <testcase${attributes({ classname: 'contract.setup', name: step, time: seconds(0) })}>`,
    `      <error${attributes({ message: reason, type: 'CouldNotRun' })}>${escapeXml(reason)}</error>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
