import type { CertifyResult } from './run-certify.js';
import { caseLabel, simulatorLine, summaryLine } from './text-report.js';

// The verdict table as one self-contained page: inline style, no script, no external asset.

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#17120f}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f6f3f0}.pass{color:#0a7a32}.fail{color:#b3141b;font-weight:600}code{font-size:13px}
.summary{font-weight:600;margin:1rem 0}.summary.fail{color:#b3141b}.summary.pass{color:#0a7a32}`;

export function htmlReport(result: CertifyResult, command?: string): string {
  const rows = result.cases.flatMap((c) =>
    c.verdicts.map(
      (v, i) =>
        `<tr>${i === 0 ? `<td rowspan="${c.verdicts.length}"><code>${escapeHtml(caseLabel(c))}</code><br>${escapeHtml(c.case.title)}<br><small>${c.attempts} ${c.attempts === 1 ? 'attempt' : 'attempts'}; client ${escapeHtml(c.client)}</small></td>` : ''}` +
        `<td class="${v.passed ? 'pass' : 'fail'}">${v.passed ? '✓' : '✗'}</td><td><code>${v.rule}</code></td><td>${escapeHtml(v.why)}</td></tr>`,
    ),
  );
  const verdict = result.passed ? 'pass' : 'fail';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>klarna-mock certify: ${result.passed ? 'passed' : 'failed'}</title>
<style>${STYLE}</style></head><body>
<h1>klarna-mock certify</h1>
<p>${escapeHtml(simulatorLine(result))}${command ? `<br>Client: <code>${escapeHtml(command)}</code>` : ''}</p>
<p class="summary ${verdict}">${escapeHtml(summaryLine(result))}</p>
<table><thead><tr><th>case</th><th></th><th>rule</th><th>why</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</body></html>
`;
}
