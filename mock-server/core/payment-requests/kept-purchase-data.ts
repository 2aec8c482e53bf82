import type { SupplementaryPurchaseData } from '../../../contracts/index.js';

/** Line items the hosted page shows at most; the rest are counted. */
const SHOWN_ITEMS = 50;

/**
 * Purchase data as a payment request or a transaction keeps it: the object as JSON text, which the read operations
 * and webhooks echo (parsed when rendered, let go after), and the little the hosted page shows. A parsed object of
 * 300k `{}` holds ~20 times its text in the heap; the text is counted by the store's byte cap
 * (docs/simulator-choices.md#store-eviction).
 */
export interface KeptPurchaseData {
  text: string;
  purchaseReference: string | undefined;
  lineItems: Array<{ name: string; quantity: number; total_amount: number }>;
  /** How many line items were sent, shown or not. */
  lineItemCount: number;
}

export function keepPurchaseData(data: SupplementaryPurchaseData | undefined): KeptPurchaseData | undefined {
  if (data === undefined) return undefined;
  const items = data.line_items ?? [];
  return {
    text: JSON.stringify(data),
    purchaseReference: data.purchase_reference,
    lineItems: items
      .slice(0, SHOWN_ITEMS)
      .map((item) => ({ name: item.name, quantity: item.quantity, total_amount: item.total_amount })),
    lineItemCount: items.length,
  };
}

/** The purchase data as sent, for an answer. */
export function purchaseDataOf(kept: KeptPurchaseData): SupplementaryPurchaseData {
  return JSON.parse(kept.text) as SupplementaryPurchaseData;
}

/** Bytes it holds, roughly: its text and the shown items. */
export function keptBytes(kept: KeptPurchaseData | undefined): number {
  if (kept === undefined) return 0;
  let bytes = kept.text.length + 64;
  for (const item of kept.lineItems) bytes += item.name.length + 48;
  return bytes;
}
