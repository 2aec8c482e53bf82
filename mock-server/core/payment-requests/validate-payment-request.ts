import type { z } from 'zod';
import {
  CreatePaymentRequestBody,
  HeaderNames,
  handoverReturnUrlIssue,
  lineItemsAgainst,
  PaymentRequestHeaders,
  UpdatePaymentRequestBody,
  type ValidationError,
} from '../../../contracts/index.js';
import type { MockConfig } from '../config.js';
import { catalogue } from '../error-catalogue.js';
import { violationsOf } from '../parameter-path.js';

type Settings = Pick<MockConfig, 'currencies' | 'lineItemSumCheck'>;

const WIRE_NAMES: Record<string, string> = {
  ...HeaderNames,
  'klarna-interoperability-token': 'Klarna-Interoperability-Token',
};

/**
 * Headers and body of createPaymentRequest (`create`) or updatePaymentRequest (`update`), every violation listed
 * at once, thrown as one VALIDATION_ERROR. Update is a partial body and skips the line-item sum: Klarna's own
 * Update sample sends amount 11836 with line items adding up to 12336 and expects 200
 * (docs/simulator-choices.md#payment-request-update).
 */
export function validatePaymentRequest<Op extends 'create' | 'update'>(
  operation: Op,
  rawHeaders: unknown,
  rawBody: unknown,
  settings: Settings,
): Op extends 'create' ? CreatePaymentRequestBody : UpdatePaymentRequestBody {
  const schema: z.ZodType = operation === 'create' ? CreatePaymentRequestBody : UpdatePaymentRequestBody;
  const violations: ValidationError[] = [];
  const headers = PaymentRequestHeaders.safeParse(rawHeaders);
  if (!headers.success) {
    for (const issue of headers.error.issues) {
      const name = String(issue.path[0] ?? '');
      violations.push({ parameter: WIRE_NAMES[name] ?? name, reason: issue.message });
    }
  }
  const body = schema.safeParse(rawBody);
  if (!body.success) violations.push(...violationsOf(body.error));
  const handover = handoverReturnUrlIssue(rawBody);
  if (handover) violations.push(handover);
  if (operation === 'create' && settings.lineItemSumCheck && typeof rawBody === 'object' && rawBody !== null) {
    const { amount, supplementary_purchase_data } = rawBody as Record<string, unknown>;
    const sum = lineItemsAgainst(amount, supplementary_purchase_data, 'amount');
    if (sum) violations.push(sum);
  }
  const currency = body.success ? (body.data as { currency?: string }).currency : undefined;
  if (currency !== undefined && !settings.currencies.includes(currency)) {
    violations.push({
      parameter: 'currency',
      reason: `unsupported currency ${currency}; supported: ${settings.currencies.join(', ')}`,
    });
  }
  if (!body.success || violations.length > 0) throw catalogue.validation(violations);
  return body.data as never;
}
