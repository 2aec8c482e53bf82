import { purchaseSummary } from '../../../core/payment-requests/kept-purchase-data.js';
import type { PaymentRequestRecord } from '../../../core/payment-requests/payment-request-record.js';
import { escapeHtml, formatAmount, page } from './html.js';

/** The hosted purchase page: what is bought, and approve, decline or abort (and consent, for a customer token). */
export function purchasePage(record: PaymentRequestRecord, error?: string): string {
  const purchase = purchaseSummary(record.purchaseData);
  const items = purchase.lineItems;
  const more = purchase.lineItemCount - items.length;
  const rows = items
    .map(
      (item) =>
        `<tr><td>${escapeHtml(item.name)}</td><td class="num">${escapeHtml(item.quantity)}</td>` +
        `<td class="num">${escapeHtml(formatAmount(item.total_amount, record.currency))}</td></tr>`,
    )
    .join('\n');
  const token = record.requestCustomerToken;
  const consent = token
    ? `<p><input type="checkbox" id="consent" name="consent" value="yes" required${error ? ' aria-invalid="true" aria-describedby="error"' : ''}>
<label for="consent">I agree that the merchant may charge me later with Klarna (${escapeHtml(token.scopes.join(', '))})</label></p>`
    : '';
  const action = (name: string) => `/pay/requests/${escapeHtml(record.uuid)}/${name}`;
  return page(
    'Pay with Klarna',
    `<dl>
<dt>Merchant reference</dt><dd id="reference">${escapeHtml(record.reference ?? purchase.purchaseReference ?? '(none)')}</dd>
<dt>Amount</dt><dd id="amount">${record.amount === undefined ? 'No payment now' : escapeHtml(formatAmount(record.amount, record.currency))}</dd>
<dt>Currency</dt><dd id="currency">${escapeHtml(record.currency)}</dd>
</dl>
${
  items.length
    ? `<table><caption>Line items</caption><thead><tr><th scope="col">Item</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Total</th></tr></thead>
<tbody>
${rows}${more > 0 ? `\n<tr><td colspan="3">and ${more} more</td></tr>` : ''}
</tbody></table>`
    : ''
}
${error ? `<p class="error" id="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action('approve')}">
${consent}
<div class="actions">
<button type="submit" class="primary">Approve</button>
<button type="submit" formaction="${action('decline')}" formnovalidate>Decline</button>
<button type="submit" formaction="${action('abort')}" formnovalidate>Abort</button>
</div>
</form>`,
  );
}

/** Shown when there is nowhere to send the customer back to, or the request can no longer be acted on. */
export function statePage(record: PaymentRequestRecord): string {
  return page(
    'Payment request',
    `<p>This payment request is <span class="state" id="state">${escapeHtml(record.state)}</span>.</p>
<p>${escapeHtml(record.paymentRequestId)}</p>`,
  );
}

export function notFoundPage(): string {
  return page('Payment request not found', '<p>There is no payment request at this address.</p>');
}
