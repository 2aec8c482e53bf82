import { type z, core as zodCore } from 'zod';
import {
  closedBodyCheck,
  closedFieldChecks,
  copyCheckedBody,
  headersCheck,
  paramsCheck,
  partnerAccountKrnCheck,
} from '../../../contracts/generated/authorize-checks.js';
import {
  AuthorizeHeaders,
  AuthorizeParams,
  AuthorizeRequest,
  HeaderNames,
  handoverReturnUrlIssue,
  lineItemSumIssue,
  missingRequestIssue,
  PartnerAccountKrn,
  tokenAliasIssue,
  tokenizationDataIssues,
  tokenScopesIssue,
  type ValidationError,
} from '../../../contracts/index.js';
import type { MockConfig } from '../config.js';
import { catalogue, type KlarnaHttpError } from '../error-catalogue.js';
import { parameterPath, violationsOf } from '../parameter-path.js';
import { unknownFields } from '../unknown-fields.js';

export type ValidatedAuthorize =
  | {
      ok: true;
      headers: AuthorizeHeaders;
      body: AuthorizeRequest;
      warnings: string[];
      /** `body` is the closed compiled check's copy (canonicalAuthorizeBody writes it as it is). */
      checked: boolean;
    }
  | { ok: false; error: KlarnaHttpError };

type Settings = Pick<MockConfig, 'currencies' | 'lineItemSumCheck' | 'accountIds'>;

/** `partner_account_id` is a krn unless the `accountIds` setting says `any` (docs/simulator-choices.md#account-ids). */
export function accountIdIssues(account: unknown, mode: MockConfig['accountIds']): ValidationError[] {
  if (mode === 'any' || partnerAccountKrnCheck(account)) return [];
  const parsed = PartnerAccountKrn.safeParse(account);
  return parsed.success
    ? []
    : [{ parameter: 'partner_account_id', reason: parsed.error.issues[0]?.message ?? 'invalid' }];
}

/**
 * Validates headers and body in one pass and lists every violation (docs/simulator-choices.md#validation-errors),
 * so a client fixes all of them after one round trip. The checks compiled from the contracts
 * (docs/performance.md#compiled-checks) answer for the common request, valid and without unknown fields; for any
 * other, zod decides and words every violation.
 */
export function validateAuthorize(
  rawParams: unknown,
  rawHeaders: unknown,
  rawBody: unknown,
  settings: Settings,
): ValidatedAuthorize {
  if (!(paramsCheck(rawParams) && headersCheck(rawHeaders) && closedBodyCheck(rawBody))) {
    return validateWithZod(rawParams, rawHeaders, rawBody, settings, parseBodyByField);
  }
  // What zod would return: the headers as they are (the later stages only read them by name), a copy of the body
  // (it has no field zod does not know, so no warnings either).
  const body = copyCheckedBody(rawBody);
  const violations = accountIdIssues(rawParams.partner_account_id, settings.accountIds);
  violations.push(...ruleViolations(rawHeaders, rawBody, body.currency, settings));
  if (violations.length > 0) return { ok: false, error: catalogue.validation(violations) };
  return { ok: true, headers: rawHeaders, body, warnings: [], checked: true };
}

/** validateAuthorize without the compiled checks: zod parses everything (exported for the tests that compare). */
export function validateAuthorizeWithZod(
  rawParams: unknown,
  rawHeaders: unknown,
  rawBody: unknown,
  settings: Settings,
): ValidatedAuthorize {
  return validateWithZod(rawParams, rawHeaders, rawBody, settings, parseBodyWithZod);
}

type ParsedBody = { ok: true; data: AuthorizeRequest } | { ok: false; violations: ValidationError[] };

function validateWithZod(
  rawParams: unknown,
  rawHeaders: unknown,
  rawBody: unknown,
  settings: Settings,
  parseBody: (rawBody: unknown) => ParsedBody,
): ValidatedAuthorize {
  const violations: ValidationError[] = [];
  const params = AuthorizeParams.safeParse(rawParams);
  if (!params.success) violations.push(...violationsOf(params.error));
  else violations.push(...accountIdIssues(params.data.partner_account_id, settings.accountIds));
  const headers = AuthorizeHeaders.safeParse(rawHeaders);
  if (!headers.success) violations.push(...headerViolations(headers.error));
  const body = parseBody(rawBody);
  if (!body.ok) violations.push(...body.violations);
  violations.push(...ruleViolations(rawHeaders, rawBody, body.ok ? body.data.currency : undefined, settings));

  if (!params.success || !headers.success || !body.ok || violations.length > 0) {
    return { ok: false, error: catalogue.validation(violations) };
  }
  return {
    ok: true,
    headers: headers.data,
    body: body.data,
    warnings: unknownFields(AuthorizeRequest, rawBody),
    checked: false,
  };
}

function parseBodyWithZod(rawBody: unknown): ParsedBody {
  const parsed = AuthorizeRequest.safeParse(rawBody);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, violations: violationsOf(parsed.error) };
}

/** zod's parse of a body it may refuse, with zod run only on the fields bodyViolations cannot pass by their checks. */
function parseBodyByField(rawBody: unknown): ParsedBody {
  const violations = bodyViolations(rawBody);
  return violations.length > 0 ? { ok: false, violations } : parseBodyWithZod(rawBody);
}

/** zod's safeParse, its error a plain $ZodError: the same issues, without the stack an Error captures. */
const safeParseField = zodCore._safeParse(zodCore.$ZodError);

interface BodyField {
  key: string;
  schema: z.ZodType;
  check: (value: unknown) => boolean;
  required: boolean;
}
let bodyFields: readonly BodyField[] | undefined;

/**
 * The body's top-level fields in the schema's order, each with its compiled check and whether zod requires it, made
 * on the first body that needs them. What bodyViolations relies on is checked here, once: the body has no rule of its
 * own beyond its fields (and lets unknown ones pass), and a field is optional to the object (an absent key adds no
 * issue) exactly when its own schema accepts undefined.
 */
function bodyFieldsOf(): readonly BodyField[] {
  if (bodyFields !== undefined) return bodyFields;
  const body = AuthorizeRequest.unwrap();
  const bodyDef = body._zod.def;
  if ((bodyDef.checks ?? []).length > 0 || bodyDef.catchall?._zod.def.type !== 'unknown') {
    throw new Error('bodyViolations: AuthorizeRequest has a rule beyond its fields, or refuses unknown ones');
  }
  const shape: Readonly<Record<string, z.ZodType>> = body.shape;
  bodyFields = Object.entries(shape).map(([key, schema]) => {
    const check = closedFieldChecks.get(key);
    if (check === undefined) throw new Error(`no compiled check of ${key}: run npm run validators:generate`);
    const required = schema._zod.optin !== 'optional';
    if (required === schema.safeParse(undefined).success) {
      throw new Error(`bodyViolations: ${key} is required by the body but accepts undefined, or the reverse`);
    }
    return { key, schema, check, required };
  });
  return bodyFields;
}

/**
 * The violations AuthorizeRequest.safeParse finds in a body, in its words and order, from zod run on the top-level
 * fields whose compiled check refuses them only. A loose object has no rule of its own beyond its fields (each parsed
 * alone, in the shape's order); a field its compiled check passes is one zod passes too, so it adds nothing. A refused
 * amount costs a parse of `request_payment_transaction`, not of the whole body (docs/performance.md#compiled-checks).
 */
export function bodyViolations(rawBody: unknown): ValidationError[] {
  if (typeof rawBody !== 'object' || rawBody === null || Array.isArray(rawBody)) {
    const parsed = parseBodyWithZod(rawBody);
    return parsed.ok ? [] : parsed.violations;
  }
  const violations: ValidationError[] = [];
  for (const { key, schema, check, required } of bodyFieldsOf()) {
    const value = (rawBody as Record<string, unknown>)[key];
    if (value === undefined ? !required : check(value)) continue;
    const parsed = safeParseField(schema, value);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      violations.push({ parameter: parameterPath([key, ...issue.path]), reason: issue.message });
    }
  }
  return violations;
}

/** The rules beyond the schemas; `currency` is the body's when the body is valid. */
function ruleViolations(
  rawHeaders: unknown,
  rawBody: unknown,
  currency: string | undefined,
  settings: Settings,
): ValidationError[] {
  const violations: ValidationError[] = [];
  const missing = missingRequestIssue(rawBody);
  if (missing) violations.push(missing);
  const ruleIssues = [
    tokenAliasIssue(rawHeaders),
    tokenScopesIssue(rawBody),
    handoverReturnUrlIssue(rawBody, 'step_up_config'),
  ];
  for (const issue of ruleIssues) if (issue) violations.push(issue);
  violations.push(...tokenizationDataIssues(rawBody));
  if (settings.lineItemSumCheck) {
    const sum = lineItemSumIssue(rawBody);
    if (sum) violations.push(sum);
  }
  if (currency !== undefined && !settings.currencies.includes(currency)) {
    violations.push({
      parameter: 'currency',
      reason: `unsupported currency ${currency}; supported: ${settings.currencies.join(', ')}`,
    });
  }
  return violations;
}

/** zod's header violations, each named as Klarna spells the header (Klarna-Idempotency-Key). */
export function headerViolations(error: z.ZodError): ValidationError[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    return { parameter: HeaderNames[name as keyof typeof HeaderNames] ?? name, reason: issue.message };
  });
}
