import { type Awaitable, andThen } from '../awaitable.js';
import { catalogue } from '../error-catalogue.js';
import type { StoredResponse } from '../idempotency.js';
import { keepPurchaseData } from '../payment-requests/kept-purchase-data.js';
import type { AnswerEffects, Lease } from '../store/answer-store.js';
import { newTransactionRecord } from '../transactions/transaction-record.js';
import type { AuthorizeDeps } from './authorize-deps.js';
import type { CheckedRequest } from './checked-request.js';
import type { Decision } from './decide.js';
import type { RenderedAnswer } from './rendered-answer.js';

/**
 * What a processed answer leaves in the answer store, as data: the answer under its key and the session token it
 * binds (for replays), the token marked used by a final authorization, and a customer token the answer issued.
 */
export function answerEffects(request: CheckedRequest, decision: Decision, answer: RenderedAnswer): AnswerEffects {
  const { body, token, tokens, now, issued } = request;
  // One session token, one transaction: a final authorization binds its token, and so does an approval that merely
  // carried a token as context. A step-up does not: the token is then only context for the journey.
  const bindsToken = token !== undefined && (tokens.final || decision.result === 'APPROVED');
  const stored: StoredResponse = {
    status: 200,
    body: answer.serialized,
    result: decision.result,
    fingerprint: request.fingerprint,
    rawHash: request.rawBodyHash,
    tokens: request.sentTokens,
    createdAt: now,
    amount: body.request_payment_transaction?.amount,
    currency: body.currency,
    finalAuthorization: tokens.final,
  };
  // An issued token that has answered a final authorization: its payment request can no longer be canceled. Kept on
  // the issued token, which lives as long as the payment request, rather than read from the bounded answer store.
  const marksUsed = token !== undefined && tokens.final && issued !== undefined && issued.usedAt === undefined;
  return {
    ...(request.key !== undefined && { keyAnswer: stored }),
    ...(bindsToken && { tokenAnswer: stored }),
    ...(marksUsed && { sessionToken: { token, issued: { ...issued, usedAt: now } } }),
    ...(answer.newCustomerToken !== undefined && { customerToken: answer.newCustomerToken }),
  };
}

/**
 * Keeps a processed answer: an approval's transaction, then the answer's effects committed at once under the
 * request's lease (a request with neither key nor token has none, and only a customer token to remember), then the
 * transaction announced. Where the store can (Redis), the transaction is written by the commit itself, together with
 * the answer or not at all; elsewhere it is written first, so that no recorded answer names a transaction the store
 * lost. A lease another request took over (this one outlived it) is a 503: the retry replays that request's answer,
 * and this one's transaction, which no answer names, is never announced.
 */
export function recordAnswer(
  request: CheckedRequest,
  decision: Decision,
  answer: RenderedAnswer,
  lease: Lease | undefined,
  deps: Pick<AuthorizeDeps, 'answerStore' | 'transactions' | 'config'>,
): Awaitable<void> {
  const { account, body, now } = request;
  const own = answerEffects(request, decision, answer);
  const transaction = answer.response.payment_transaction_response?.payment_transaction;
  const record =
    transaction &&
    newTransactionRecord({
      account,
      transaction,
      now,
      expiresAt: now + deps.config.transactionTtlMs,
      purchaseData: keepPurchaseData(body.supplementary_purchase_data, request.purchaseDataText),
    });
  const prepared = record && lease !== undefined ? deps.transactions.prepareCreated(record) : undefined;
  const effects = prepared === undefined ? own : { ...own, record: prepared.put };
  const created = prepared === undefined ? record && deps.transactions.created(record) : prepared.announce;
  return andThen(created, (announce) => {
    const written =
      lease !== undefined
        ? deps.answerStore.commit(lease, effects)
        : effects.customerToken === undefined
          ? undefined
          : deps.answerStore.issueCustomerToken(account, effects.customerToken);
    return andThen(written, (result) => {
      if (result === 'lease-lost') throw catalogue.unavailable();
      announce?.();
    });
  });
}
