import type { Finding } from '../../../contracts/index.js';
import type { JournalRecord } from './journal-record.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A failure the client should retry under the same key: Klarna says a retry after TIMEOUT is safe. */
export const failed = (r: JournalRecord) =>
  r.fault !== undefined || (r.status !== undefined && (r.status >= 500 || r.status === 429));

/**
 * What the contract says about one request of a client (docs/simulator-choices.md#journal-findings): errors where Klarna would
 * refuse it, warnings where it is accepted but probably wrong. `failedBefore` are the same account's earlier
 * requests that failed with the same fingerprint.
 */
export function clientFindings(
  record: JournalRecord,
  parsed: unknown,
  failedBefore: readonly JournalRecord[],
): Finding[] {
  const findings: Finding[] = [];
  const error = record.clientError;
  if (error) {
    if (error.validationErrors?.length) {
      for (const v of error.validationErrors) {
        const message = Array.isArray(v.reason) ? v.reason.join('; ') : v.reason;
        findings.push({ severity: 'error', code: 'VALIDATION_ERROR', parameter: v.parameter, message });
      }
    } else {
      findings.push({ severity: 'error', code: error.code as Finding['code'], message: error.message });
    }
  }
  for (const path of record.unknownFields) {
    findings.push({
      severity: 'warning',
      code: 'unknown_field',
      parameter: path,
      message: `${path} is not a documented field`,
    });
  }
  // The writes beside authorize (payment requests, captures, refunds, voids, webhook management): a retry without a
  // key can capture or refund twice. Authorize has its own checks below.
  const write = record.method === 'POST' || record.method === 'PATCH';
  if (!record.valid && write && !record.path.includes('/payment/authorize') && record.idempotencyKey === undefined) {
    findings.push({
      severity: 'warning',
      code: 'missing_idempotency_key',
      parameter: 'Klarna-Idempotency-Key',
      message: `send a Klarna-Idempotency-Key with ${record.method} ${record.path.split('?')[0]} so that a retry cannot act twice`,
    });
  }
  if (!record.valid) return findings;

  const body = parsed as { supplementary_purchase_data?: { line_items?: unknown[] } } | undefined;
  if (body?.supplementary_purchase_data === undefined) {
    findings.push({
      severity: 'warning',
      code: 'missing_supplementary_purchase_data',
      parameter: 'supplementary_purchase_data',
      message: 'Klarna recommends sending supplementary_purchase_data (it improves approval rates)',
    });
  } else if (!body.supplementary_purchase_data.line_items?.length) {
    findings.push({
      severity: 'warning',
      code: 'missing_line_items',
      parameter: 'supplementary_purchase_data.line_items',
      message: 'Klarna recommends sending line_items',
    });
  }
  const key = record.idempotencyKey;
  if (key === undefined) {
    findings.push({
      severity: 'warning',
      code: 'missing_idempotency_key',
      parameter: 'Klarna-Idempotency-Key',
      message: 'send a Klarna-Idempotency-Key so that a retry cannot authorize twice',
    });
  } else if (!UUID.test(key)) {
    findings.push({
      severity: 'warning',
      code: 'idempotency_key_not_uuid',
      parameter: 'Klarna-Idempotency-Key',
      message: `"${key.slice(0, 60)}" is not a UUID; Klarna asks for one`,
    });
  }
  const retried = failedBefore.find((r) => r.idempotencyKey !== key);
  if (retried) {
    findings.push({
      severity: 'warning',
      code: 'retry_with_new_key',
      parameter: 'Klarna-Idempotency-Key',
      message: `retries request ${retried.id}, which failed, under ${key === undefined ? 'no key' : 'a new key'}: reuse the first key`,
    });
  }
  const amount = (parsed as { request_payment_transaction?: { amount?: number } }).request_payment_transaction?.amount;
  if (record.stepUpAmount !== undefined && amount !== undefined && amount !== record.stepUpAmount) {
    findings.push({
      severity: 'warning',
      code: 'amount_differs_from_step_up',
      parameter: 'request_payment_transaction.amount',
      message: `final authorization of ${amount} differs from the ${record.stepUpAmount} the customer approved in the step-up`,
    });
  }
  return findings;
}
