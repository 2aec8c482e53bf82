// The library form of certify, for vitest or jest: `import { certify } from 'klarna-mock/certify'`.
export { CERTIFY_CASES, type CertifyCase, casesForSeed } from './cases.js';
export { commandClient } from './command-client.js';
export { htmlReport } from './html-report.js';
export { certifyJunit } from './junit-report.js';
export { RULE_NAMES, type RuleName, type RuleVerdict } from './rules.js';
export {
  type CaseResult,
  type CertifyClient,
  type CertifyOptions,
  type CertifyResult,
  type ClientContext,
  CouldNotRunError,
  certify,
} from './run-certify.js';
export { failedRules, textReport } from './text-report.js';
