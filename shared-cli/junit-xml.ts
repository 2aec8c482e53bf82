// JUnit XML as CI servers read it (the Ant/Surefire dialect), for any suite of checks: the contract suite and
// certify each map their results onto suites and testcases; this writes the document.

export interface JunitOutcome {
  message: string;
  type: string;
  /** The element's text: details, one per line. */
  text: string;
}

export interface JunitCase {
  classname: string;
  name: string;
  timeMs: number;
  failure?: JunitOutcome;
  error?: JunitOutcome;
  /** The reason it was skipped. */
  skipped?: string;
}

export interface JunitSuite {
  name: string;
  /** Written as <properties> (left out when undefined). */
  properties?: Record<string, string>;
  cases: JunitCase[];
}

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

function testcase(c: JunitCase): string {
  const head = `    <testcase${attributes({ classname: c.classname, name: c.name, time: seconds(c.timeMs) })}`;
  const outcome = (tag: string, o: JunitOutcome) =>
    `      <${tag}${attributes({ message: o.message, type: o.type })}>${escapeXml(o.text)}</${tag}>`;
  const inner = [
    ...(c.skipped !== undefined ? [`      <skipped${attributes({ message: c.skipped })}/>`] : []),
    ...(c.failure ? [outcome('failure', c.failure)] : []),
    ...(c.error ? [outcome('error', c.error)] : []),
  ];
  return inner.length === 0 ? `${head}/>` : [`${head}>`, ...inner, '    </testcase>'].join('\n');
}

const totals = (cases: JunitCase[]) => ({
  tests: cases.length,
  failures: cases.filter((c) => c.failure).length,
  errors: cases.filter((c) => c.error).length,
  skipped: cases.filter((c) => c.skipped !== undefined).length,
  time: seconds(cases.reduce((sum, c) => sum + c.timeMs, 0)),
});

export function junitDocument(name: string, suites: JunitSuite[]): string {
  const lines = suites.map((suite) => {
    const properties =
      suite.properties === undefined
        ? []
        : [
            '    <properties>',
            ...Object.entries(suite.properties).map(
              ([name, value]) => `      <property${attributes({ name, value })}/>`,
            ),
            '    </properties>',
          ];
    return [
      `  <testsuite${attributes({ name: suite.name, ...totals(suite.cases) })}>`,
      ...properties,
      ...suite.cases.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name, ...totals(suites.flatMap((s) => s.cases)) })}>`,
    ...lines,
    '</testsuites>',
    '',
  ].join('\n');
}
