import type { Violation } from '../contracts/violation.js';
import type { InteractionResult, Part } from './interaction.js';
import type { SuiteResult } from './run-contract-suite.js';

export const PART_TITLES: Record<Part, string> = {
  portable: "Portable part (status class and body shape only; holds against Klarna's test environment too)",
  simulator: 'Simulator-only part (default decisions, Mock-Scenario outcomes, idempotent replay, Notification API)',
};

export const formatViolation = (v: Violation) => `${v.path}: expected ${v.expected}, received ${v.received}`;

export function providerLine(result: SuiteResult): string {
  const { provider, simulatorPart } = result;
  if (provider.simulator) return `Provider: the klarna-mock simulator (${provider.evidence})`;
  if (simulatorPart) return `Provider: treated as the simulator because of --simulator (${provider.evidence})`;
  return `Provider: not the simulator (${provider.evidence}); the simulator-only part is skipped (force it with --simulator)`;
}

/** One line per interaction (✓, ✗ or - for skipped, and its name), each violation indented under it, a summary. */
export function textReport(result: SuiteResult): string {
  const lines = [`Contract suite against ${result.baseUrl}, account ${result.account}`, providerLine(result)];
  for (const part of ['portable', 'simulator'] as const) {
    const results = result.interactions.filter((i) => i.part === part);
    lines.push('', `${PART_TITLES[part]}:`);
    for (const interaction of results) lines.push(...interactionLines(interaction));
  }
  lines.push('', summaryLine(result));
  const refused = result.interactions.filter((i) =>
    i.violations.some((v) => /^40[13]\b/.test(v.received) && v.path === 'status'),
  );
  if (refused.length > 0) {
    lines.push(
      `${refused.length} of the failed checks were refused with 401 or 403: are the account and the API key ` +
        '(--account, --api-key, or KLARNA_ACCOUNT_ID, KLARNA_API_KEY) right for this provider?',
    );
  }
  return `${lines.join('\n')}\n`;
}

function interactionLines(interaction: InteractionResult): string[] {
  if (interaction.outcome === 'passed') return [`✓ ${interaction.name}`];
  if (interaction.outcome === 'skipped') return [`- ${interaction.name} (skipped: not the simulator)`];
  return [`✗ ${interaction.name}`, ...interaction.violations.map((v) => `    ${formatViolation(v)}`)];
}

export function summaryLine(result: SuiteResult): string {
  const count = (outcome: InteractionResult['outcome']) =>
    result.interactions.filter((i) => i.outcome === outcome).length;
  const violations = result.interactions.reduce((sum, i) => sum + i.violations.length, 0);
  const verdict = count('failed') === 0 ? 'PASSED' : 'FAILED';
  return (
    `${verdict}: ${result.interactions.length} interactions, ${count('passed')} passed, ${count('failed')} failed, ` +
    `${count('skipped')} skipped; ${violations} ${violations === 1 ? 'violation' : 'violations'}`
  );
}

/** 0 when every interaction that ran passed, 1 when any broke the contract. */
export const exitCodeOf = (result: SuiteResult) => (result.interactions.some((i) => i.outcome === 'failed') ? 1 : 0);
