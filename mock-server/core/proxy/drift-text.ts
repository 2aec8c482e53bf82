import type { DriftReport } from '../../../contracts/index.js';
import { printable } from '../../../contracts/violation.js';

/** The drift report as the proxy prints it when it stops: one line per kind of drift, upstream text made printable. */
export function driftText(report: DriftReport): string {
  const lines = [
    `drift of ${report.upstream}: ${report.checked} answers checked, ${report.unchecked} unchecked, ` +
      `${report.upstream_failures} upstream failures`,
  ];
  const examples = (ids: string[]) => (ids.length === 0 ? '' : ` (e.g. ${ids.join(', ')})`);
  for (const s of report.undocumented_statuses) {
    lines.push(
      `  status   ${s.operation} answered ${s.status} ×${s.count}; documented: ${s.documented.join(' ')}${examples(s.examples)}`,
    );
  }
  for (const v of report.violations) {
    const received = v.examples[0]?.received;
    lines.push(
      `  invalid  ${v.operation} ${v.status} ${v.path}: expected ${v.expected}` +
        `${received === undefined ? '' : `, received ${received}`} ×${v.count}${examples(v.examples.map((e) => e.request_id))}`,
    );
  }
  for (const u of report.unknown_fields) {
    lines.push(`  unknown  ${u.operation} ${u.status} ${u.path} ×${u.count}${examples(u.examples)}`);
  }
  if (report.dropped > 0) lines.push(`  … and ${report.dropped} more kinds not kept (the report is bounded)`);
  if (lines.length === 1) lines.push('  no drift: every answer matched the contracts');
  return `${lines.map(printable).join('\n')}\n`;
}
