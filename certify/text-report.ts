import { RULE_NAMES, type RuleName } from './rules.js';
import type { CaseResult, CertifyResult } from './run-certify.js';

// The verdict table: one line per case and rule, ✓ or ✗ and why; then the failed rules by name.

const width = (values: string[]) => Math.max(...values.map((v) => v.length));

export function simulatorLine(result: CertifyResult): string {
  const whose = result.simulator === 'started' ? 'a simulator certify started' : 'the simulator given';
  return `Certify against ${result.baseUrl} (${whose}), seed ${JSON.stringify(result.seed)}`;
}

export const caseLabel = (c: CaseResult) => `CERT${c.n} ${c.case.id}`;

/** Rule names that failed in at least one case, with how many cases, in the rules' own order. */
export function failedRules(result: CertifyResult): Map<RuleName, number> {
  const counts = new Map<RuleName, number>();
  for (const c of result.cases)
    for (const v of c.verdicts) if (!v.passed) counts.set(v.rule, (counts.get(v.rule) ?? 0) + 1);
  return new Map(RULE_NAMES.filter((rule) => counts.has(rule)).map((rule) => [rule, counts.get(rule) ?? 0]));
}

export function summaryLine(result: CertifyResult): string {
  const checked = result.cases.reduce((sum, c) => sum + c.verdicts.length, 0);
  const failed = failedRules(result);
  const count = [...failed.values()].reduce((sum, n) => sum + n, 0);
  if (count === 0) return `PASSED: ${result.cases.length} cases, ${checked} verdicts, all passed`;
  const names = [...failed].map(([rule, n]) => `${rule} (${n} ${n === 1 ? 'case' : 'cases'})`).join(', ');
  return `FAILED: ${result.cases.length} cases, ${checked} verdicts, ${count} failed: ${names}`;
}

export function textReport(result: CertifyResult, command?: string): string {
  const caseWidth = width(result.cases.map(caseLabel));
  const ruleWidth = width(result.cases.flatMap((c) => c.verdicts.map((v) => v.rule)));
  const lines = [simulatorLine(result), ...(command ? [`Client: ${command}`] : []), ''];
  for (const c of result.cases) {
    for (const v of c.verdicts) {
      lines.push(`${v.passed ? '✓' : '✗'} ${caseLabel(c).padEnd(caseWidth)}  ${v.rule.padEnd(ruleWidth)}  ${v.why}`);
    }
  }
  lines.push('', 'Cases:');
  for (const c of result.cases) {
    lines.push(
      `  ${caseLabel(c).padEnd(caseWidth)}  ${c.case.title}; ${c.attempts} ${c.attempts === 1 ? 'attempt' : 'attempts'}; client ${c.client}`,
    );
  }
  lines.push('', summaryLine(result), '');
  return lines.join('\n');
}
