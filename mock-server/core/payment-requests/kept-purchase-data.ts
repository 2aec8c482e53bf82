import type { SupplementaryPurchaseData } from '../../../contracts/index.js';
import { flat } from '../flat-string.js';

/** Line items the hosted page shows at most; the rest are counted. */
const SHOWN_ITEMS = 50;

/**
 * Purchase data as a payment request or a transaction keeps it: the object as JSON text, which the read operations,
 * webhooks and the hosted page read back (parsed when rendered, let go after). One string per record: a parsed object
 * of 300k `{}` holds ~20 times its text in the heap, and every object a fresh authorize keeps is one more for the
 * collector to copy and mark. The text is counted by the store's byte cap (docs/simulator-choices.md#store-eviction).
 */
export interface KeptPurchaseData {
  text: string;
}

/** `text`: the data's JSON.stringify when the caller wrote it already (the authorize fingerprint's canonical body). */
export function keepPurchaseData(
  data: SupplementaryPurchaseData | undefined,
  text?: string | undefined,
): KeptPurchaseData | undefined {
  return data === undefined ? undefined : { text: flat(text ?? JSON.stringify(data)) };
}

/** The purchase data as sent, for an answer. */
export function purchaseDataOf(kept: KeptPurchaseData): SupplementaryPurchaseData {
  return JSON.parse(kept.text) as SupplementaryPurchaseData;
}

/** What the hosted page shows of it: the reference, the first line items, and how many were sent. */
export function purchaseSummary(kept: KeptPurchaseData | undefined): {
  purchaseReference: string | undefined;
  lineItems: Array<{ name: string; quantity: number; total_amount: number }>;
  lineItemCount: number;
} {
  const data = kept === undefined ? undefined : purchaseDataOf(kept);
  const items = data?.line_items ?? [];
  return {
    purchaseReference: data?.purchase_reference,
    lineItems: items.slice(0, SHOWN_ITEMS),
    lineItemCount: items.length,
  };
}

/** Bytes it holds, roughly: its text and the record around it. */
export function keptBytes(kept: KeptPurchaseData | undefined): number {
  return kept === undefined ? 0 : kept.text.length + 64;
}
