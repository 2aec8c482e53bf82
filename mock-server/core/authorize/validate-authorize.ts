import type { z } from 'zod';
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
import { violationsOf } from '../parameter-path.js';
import { unknownFields } from '../unknown-fields.js';

export type ValidatedAuthorize =
  | {
      ok: true;
      headers: AuthorizeHeaders;
      body: AuthorizeRequest;
      warnings: string[];
    }
  | { ok: false; error: KlarnaHttpError };

type Settings = Pick<MockConfig, 'currencies' | 'lineItemSumCheck' | 'accountIds'>;

/** `partner_account_id` is a krn unless the `accountIds` setting says `any` (docs/simulator-choices.md#account-ids). */
export function accountIdIssues(account: unknown, mode: MockConfig['accountIds']): ValidationError[] {
  if (mode === 'any') return [];
  const parsed = PartnerAccountKrn.safeParse(account);
  return parsed.success
    ? []
    : [{ parameter: 'partner_account_id', reason: parsed.error.issues[0]?.message ?? 'invalid' }];
}

/**
 * Validates headers and body in one pass and lists every violation (docs/simulator-choices.md#validation-errors),
 * so a client fixes all of them after one round trip.
 */
export function validateAuthorize(
  rawParams: unknown,
  rawHeaders: unknown,
  rawBody: unknown,
  settings: Settings,
): ValidatedAuthorize {
  const violations: ValidationError[] = [];
  const params = AuthorizeParams.safeParse(rawParams);
  if (!params.success) violations.push(...violationsOf(params.error));
  else violations.push(...accountIdIssues(params.data.partner_account_id, settings.accountIds));
  const headers = AuthorizeHeaders.safeParse(rawHeaders);
  if (!headers.success) violations.push(...headerViolations(headers.error));
  const body = AuthorizeRequest.safeParse(rawBody);
  if (!body.success) violations.push(...violationsOf(body.error));

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
  if (body.success && !settings.currencies.includes(body.data.currency)) {
    violations.push({
      parameter: 'currency',
      reason: `unsupported currency ${body.data.currency}; supported: ${settings.currencies.join(', ')}`,
    });
  }

  if (!params.success || !headers.success || !body.success || violations.length > 0) {
    return { ok: false, error: catalogue.validation(violations) };
  }
  return { ok: true, headers: headers.data, body: body.data, warnings: unknownFields(AuthorizeRequest, rawBody) };
}

function headerViolations(error: z.ZodError): ValidationError[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    return { parameter: HeaderNames[name as keyof typeof HeaderNames] ?? name, reason: issue.message };
  });
}
