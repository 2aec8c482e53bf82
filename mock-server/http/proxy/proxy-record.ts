import type { FastifyRequest } from 'fastify';
import { FindingCode, KlarnaError } from '../../../contracts/index.js';
import type { JournalRecord } from '../../core/journal/journal-record.js';
import type { SideCheck } from '../../core/proxy/check-exchange.js';
import type { ProxyOperation } from '../../core/proxy/proxy-operations.js';
import { operationRecordOf } from '../record-request.js';

/** One forwarded exchange as the journal needs it. */
export interface ProxiedExchange {
  status: number;
  /** The upstream's Klarna-Correlation-Id, else the proxy's own request id. */
  requestId?: string;
  replayed?: boolean;
  request?: SideCheck;
  response?: SideCheck;
}

/**
 * The journal's record of a forwarded request, built as the simulator builds one (operationRecordOf), so that the
 * client report judges real traffic the same way: the request's contract violations are its VALIDATION_ERROR, an
 * upstream refusal in Klarna's shape the error it names, and an authorize request that passed the contract gets
 * authorize's own checks (recommended data, idempotency key, retries under a new key).
 */
export function proxyRecord(
  request: FastifyRequest,
  operation: ProxyOperation | undefined,
  exchange: ProxiedExchange,
  context: { now: () => number; account: string },
): JournalRecord {
  const account = (request.params as { partner_account_id?: unknown } | undefined)?.partner_account_id;
  const record = operationRecordOf(
    request,
    { status: exchange.status, replayed: exchange.replayed ?? false },
    () => context.now(),
    typeof account === 'string' ? account : context.account,
  );
  const violations = exchange.request?.violations ?? [];
  const authorize = operation?.path.endsWith('/payment/authorize') === true;
  const refused = exchange.status >= 400 && exchange.status < 500 && exchange.status !== 409 && exchange.status !== 429;
  const result = authorize ? resultOf(exchange.response?.body) : undefined;
  return {
    ...record,
    id: exchange.requestId ?? request.id,
    unknownFields: exchange.request?.unknownFields ?? [],
    clientError:
      violations.length > 0
        ? {
            code: 'VALIDATION_ERROR',
            message: 'The request breaks its contract',
            validationErrors: violations.map((v) => ({
              parameter: v.path,
              reason: `expected ${v.expected}, received ${v.received}`,
            })),
          }
        : refusalOf(exchange.status, exchange.response?.body),
    valid: authorize && violations.length === 0 && !refused,
    ...(result !== undefined && { result }),
  };
}

/** An upstream 4xx in Klarna's shape whose code the journal knows: the client's error, as the simulator records it. */
function refusalOf(status: number, body: unknown): JournalRecord['clientError'] {
  if (status < 400 || status >= 500) return undefined;
  const error = KlarnaError.safeParse(body);
  if (!error.success || !FindingCode.safeParse(error.data.error_code).success) return undefined;
  return {
    code: error.data.error_code,
    message: error.data.error_message ?? error.data.error_code,
    validationErrors: error.data.validation_errors,
  };
}

function resultOf(body: unknown): string | undefined {
  const result = (body as { payment_transaction_response?: { result?: unknown } } | null | undefined)
    ?.payment_transaction_response?.result;
  return typeof result === 'string' ? result : undefined;
}
