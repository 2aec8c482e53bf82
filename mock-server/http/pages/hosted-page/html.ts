const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Minor units to a display amount, with the currency's own number of decimals (JPY 0, EUR 2, …). */
export function formatAmount(minor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor / 10 ** decimals);
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
}

/** The page frame: plain, readable, no external assets. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · klarna-mock</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #17120f; }
  header p { color: #555; margin-top: 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; }
  caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #ddd; }
  td.num, th.num { text-align: right; }
  .actions { display: flex; gap: .5rem; flex-wrap: wrap; margin-top: 1rem; }
  button { font: inherit; padding: .6rem 1.2rem; border-radius: .4rem; border: 2px solid #17120f; background: #fff; cursor: pointer; }
  button.primary { background: #ffb3c7; }
  button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
  .error { color: #a50e0e; font-weight: 600; }
  .state { font-weight: 600; }
</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p>Simulated by klarna-mock. No real payment is made.</p></header>
<main>
${body}
</main>
</body>
</html>
`;
}
