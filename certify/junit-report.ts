import { type JunitCase, junitDocument } from '../shared-cli/junit-xml.js';
import type { CertifyResult } from './run-certify.js';

// Certify in JUnit: one <testsuite>, one <testcase> per case and rule (classname certify.<case>), a <failure>
// saying why a rule failed.

const SUITE_NAME = 'klarna-mock certify';

export function certifyJunit(result: CertifyResult, command?: string): string {
  const cases: JunitCase[] = result.cases.flatMap((c) =>
    c.verdicts.map((v, i) => ({
      classname: `certify.${c.case.id}`,
      name: v.rule,
      // The client's run is one time for the case: count it once.
      timeMs: i === 0 ? c.durationMs : 0,
      ...(v.passed
        ? {}
        : { failure: { message: v.why, type: 'RuleFailed', text: `${c.case.title} (${c.account}): ${v.why}` } }),
    })),
  );
  const properties = { base_url: result.baseUrl, seed: result.seed, ...(command ? { client: command } : {}) };
  return junitDocument(SUITE_NAME, [{ name: 'certify', properties, cases }]);
}

export function certifyJunitCouldNotRun(reason: string): string {
  return junitDocument(SUITE_NAME, [
    {
      name: 'certify',
      cases: [
        {
          classname: 'certify.setup',
          name: 'run the client',
          timeMs: 0,
          error: { message: reason, type: 'CouldNotRun', text: reason },
        },
      ],
    },
  ]);
}
