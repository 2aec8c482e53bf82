import { createHash } from 'node:crypto';
import { escapeHtml } from '../hosted-page/html.js';
import { INSPECTOR_SCRIPT } from './inspector-script.js';

const STYLE = `
  :root { color-scheme: light; --line: #ddd; --muted: #555; --bad: #a50e0e; --warn: #8a5a00; --pick: #ffe3ea; }
  body { font-family: system-ui, sans-serif; margin: 0; color: #17120f; font-size: 14px; }
  header { padding: .8rem 1.2rem; border-bottom: 2px solid #17120f; background: #ffb3c7; }
  h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
  h2 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
  form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
  input, select, button { font: inherit; padding: .3rem .5rem; border: 1px solid #17120f; border-radius: .3rem; background: #fff; }
  input { min-width: 26rem; }
  button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #0b57d0; outline-offset: 1px; }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 0 1.5rem; padding: 0 1.2rem 2rem; }
  .wide { grid-column: 1 / -1; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: #f6f4f2; position: sticky; top: 0; }
  td.num, th.num { text-align: right; }
  td.path, td.key { overflow-wrap: anywhere; font-family: ui-monospace, monospace; font-size: 12px; }
  tr.selected td { background: var(--pick); }
  button.link { border: 0; padding: 0; background: none; color: #0b57d0; text-decoration: underline; cursor: pointer; font-family: ui-monospace, monospace; }
  .bad { color: var(--bad); font-weight: 600; }
  .warn { color: var(--warn); }
  .good { color: #1b6e1b; }
  .muted, #total { color: var(--muted); }
  #live { font-weight: 600; }
  dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem .8rem; margin: 0; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; font-family: ui-monospace, monospace; font-size: 12px; }
  pre { background: #f6f4f2; padding: .5rem; overflow: auto; max-height: 24rem; white-space: pre-wrap; overflow-wrap: anywhere; }
  .scroll { max-height: 34rem; overflow: auto; }
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page allows its own inline script and style (by hash) and reads from its own origin; nothing else loads,
 * nothing frames it, and no form posts anywhere.
 */
export const INSPECTOR_HEADERS = {
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${hash(INSPECTOR_SCRIPT)}`,
    `style-src ${hash(STYLE)}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** The request inspector: one static page; the script fills it from the admin API. */
export function inspectorPage(account: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Request inspector · klarna-mock</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Request inspector <span class="muted">· klarna-mock</span></h1>
<form id="pick">
  <label>Account <select id="picker" aria-label="Accounts seen"><option value="">accounts seen…</option></select></label>
  <label>or <input id="account" name="account" value="${escapeHtml(account)}" placeholder="krn:partner:global:account:test:…" aria-label="Account id" autocomplete="off" spellcheck="false"></label>
  <button type="submit">Show</button>
  <button type="button" id="refresh">Refresh</button>
  <span id="live" role="status" aria-live="polite"></span>
</form>
</header>
<main>
<section>
  <h2>Requests of <span id="shown"></span> <span id="total"></span></h2>
  <div class="scroll">
  <table id="requests" aria-label="Requests">
    <thead><tr><th>Time (UTC)</th><th>Method</th><th>Path</th><th class="num">Status</th><th>Result</th><th>Idempotency key</th><th>Replayed</th><th>Scenario</th><th class="num">Findings</th></tr></thead>
    <tbody></tbody>
  </table>
  </div>
  <p id="empty" class="muted">No request of this account yet: send one and it appears here.</p>
</section>
<section id="detail" aria-labelledby="detail-title" hidden>
  <h2 id="detail-title">Request <span id="detail-id" class="muted"></span></h2>
  <dl id="detail-summary"></dl>
  <h2>Findings</h2>
  <ul id="detail-findings"></ul>
  <h2>Headers <span class="muted">(credentials redacted)</span></h2>
  <dl id="detail-headers"></dl>
  <h2>Body</h2>
  <pre id="detail-body"></pre>
</section>
<section class="wide">
  <h2>Webhook deliveries</h2>
  <p id="subscription" class="muted"></p>
  <table id="webhooks" aria-label="Webhook deliveries">
    <thead><tr><th>Event</th><th>Event id</th><th>State</th><th class="num">Attempts</th><th>Last answer</th><th>Fault</th><th>Last or next attempt</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
<section class="wide">
  <h2>Client report</h2>
  <p id="report-summary" class="muted"></p>
  <table id="report" aria-label="Client report">
    <thead><tr><th>Severity</th><th>Code</th><th class="num">Count</th><th>First example</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
<section class="wide" id="certification">
  <h2>Certification report</h2>
  <p id="certification-summary" class="muted">No certification report yet: run <code>npm run certify -- --base-url &lt;this simulator&gt; &lt;your client&gt;</code> and its latest report shows here (a simulator certify starts itself closes with its report).</p>
  <table id="certification-verdicts" aria-label="Certification verdicts" hidden>
    <thead><tr><th>Case</th><th>Account</th><th></th><th>Rule</th><th>Why</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
</main>
<script>${INSPECTOR_SCRIPT}</script>
</body>
</html>
`;
}
