import { headersCheck } from '../contracts/generated/authorize-checks.js';
import { AuthorizeHeaders } from '../contracts/index.js';
import { validateAuthorize, validateAuthorizeWithZod } from '../mock-server/core/authorize/validate-authorize.js';
import { MockConfig } from '../mock-server/core/config.js';
import { ACCOUNT, AUTHORIZE_BODY, HEADERS, INVALID_BODY } from './request.js';

// What the checks compiled from the contracts save per authorize (docs/performance.md#compiled-checks): ns per
// validateAuthorize call for the bench's request and for its refused body (a float amount: zod words the violation,
// over the whole body or over the refused field only), through zod alone and through the compiled checks, in one run,
// rounds alternating so that both see the same machine.
//
// node --import tsx bench/validators.ts [calls per round, default 20000]

const calls = Number(process.argv[2] ?? 20_000);
const ROUNDS = 10;
const config = MockConfig.parse({});
const params = { partner_account_id: ACCOUNT };
// As the route hands them over: a parsed body, headers as Node delivers them.
const body = JSON.parse(JSON.stringify(AUTHORIZE_BODY));
const headers = { ...HEADERS, host: 'localhost:3000', 'content-length': '1024' };

type Validate = typeof validateAuthorize;

const refused = JSON.parse(JSON.stringify(INVALID_BODY));

function round(validate: Validate, request = body, ok = true): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    if (validate(params, headers, request, config).ok !== ok)
      throw new Error(`the bench request must be ${ok ? 'valid' : 'refused'}`);
  }
  return Number(process.hrtime.bigint() - start) / calls;
}

/** The replay fast path checks the headers only. */
function headersRound(check: (value: unknown) => boolean): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls * 10; i++) if (!check(headers)) throw new Error('the bench headers must be valid');
  return Number(process.hrtime.bigint() - start) / (calls * 10);
}
const zodHeaders = (value: unknown) => AuthorizeHeaders.safeParse(value).success;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function compare(title: string, zodRound: () => number, compiledRound: () => number): void {
  zodRound();
  compiledRound();
  const zod: number[] = [];
  const compiled: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    zod.push(zodRound());
    compiled.push(compiledRound());
  }
  const before = median(zod);
  const after = median(compiled);
  console.log(`${title} (median of ${ROUNDS} rounds)`);
  console.log(`  zod        ${before.toFixed(0).padStart(7)} ns/call`);
  console.log(`  compiled   ${after.toFixed(0).padStart(7)} ns/call`);
  console.log(
    `  ratio      ${(before / after).toFixed(2).padStart(7)} (${(100 * (1 - after / before)).toFixed(0)} % less)`,
  );
}

compare(
  `validateAuthorize, the bench's request, ${calls} calls a round`,
  () => round(validateAuthorizeWithZod),
  () => round(validateAuthorize),
);
compare(
  `validateAuthorize, the bench's refused body, ${calls} calls a round`,
  () => round(validateAuthorizeWithZod, refused, false),
  () => round(validateAuthorize, refused, false),
);
compare(
  `the replay's header check, ${calls * 10} calls a round`,
  () => headersRound(zodHeaders),
  () => headersRound(headersCheck),
);
