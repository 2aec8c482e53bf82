import { type JunitCase, junitDocument } from '../shared-cli/junit-xml.js';
import type { InteractionResult, Part } from './interaction.js';
import type { SuiteResult } from './run-contract-suite.js';
import { formatViolation, providerLine } from './text-report.js';

export { escapeXml } from '../shared-cli/junit-xml.js';

// The contract suite in JUnit: one <testsuite> per part, one <testcase> per interaction, a <failure> listing its
// violations, <skipped/> for the simulator-only part against another provider.

const PART_SUITES: Record<Part, string> = { portable: 'portable', simulator: 'simulator-only' };
const SUITE_NAME = 'klarna-mock contract suite';

function testcase(interaction: InteractionResult): JunitCase {
  const base = {
    classname: `contract.${PART_SUITES[interaction.part]}`,
    name: interaction.name,
    timeMs: interaction.durationMs,
  };
  if (interaction.outcome === 'passed') return base;
  if (interaction.outcome === 'skipped') return { ...base, skipped: 'the provider is not the simulator' };
  const count = interaction.violations.length;
  const message = `${count} contract ${count === 1 ? 'violation' : 'violations'}`;
  const text = interaction.violations.map(formatViolation).join('\n');
  return { ...base, failure: { message, type: 'ContractViolation', text } };
}

export function junitXml(result: SuiteResult): string {
  const properties = { base_url: result.baseUrl, account: result.account, provider: providerLine(result) };
  return junitDocument(
    SUITE_NAME,
    (['portable', 'simulator'] as const).map((part) => ({
      name: PART_SUITES[part],
      properties,
      cases: result.interactions.filter((i) => i.part === part).map(testcase),
    })),
  );
}

/** The run could not start: one errored testcase, the step that failed, so a CI dashboard shows why, not nothing. */
export function junitCouldNotRun(step: string, reason: string): string {
  return junitDocument(SUITE_NAME, [
    {
      name: 'setup',
      cases: [
        {
          classname: 'contract.setup',
          name: step,
          timeMs: 0,
          error: { message: reason, type: 'CouldNotRun', text: reason },
        },
      ],
    },
  ]);
}
