import { stringify } from 'safe-stable-stringify';
import { closedBodyCheck, copyCheckedBody } from '../../../contracts/generated/authorize-checks.js';
import type { AuthorizeRequest } from '../../../contracts/index.js';

/** The canonical text, and the purchase data's own JSON text when the canonical form wrote it on the way. */
export interface CanonicalBody {
  text: string;
  /** JSON.stringify(body.supplementary_purchase_data) of the checked copy: what a transaction keeps of it. */
  purchaseDataText: string | undefined;
}

/**
 * The authorize body as its fingerprint reads it: the same text for two bodies exactly when they hold the same fields
 * and values, whatever their key order and spacing. A body the closed compiled check passes (every field one the
 * contract knows: the common request) is its checked copy, whose keys are in the contract's order at every depth,
 * written by the native JSON.stringify, with supplementary_purchase_data last (written apart, so that a transaction
 * keeps that text instead of writing the purchase data a second time); any other body has its keys sorted at every
 * depth (safe-stable-stringify, which built a rope of small strings: 12 KB allocated for the bench's 1 KB body, a
 * fifth of all a fresh authorize allocated, and about twice the time). Whether a body passes the closed check depends
 * on its fields and values, never on their order, so two orderings of one body always take the same form. `checked`:
 * that copy, when the caller has it already (validateAuthorize made it).
 */
export function canonicalAuthorizeParts(body: unknown, checked?: AuthorizeRequest): CanonicalBody {
  if (checked !== undefined) return checkedForm(checked);
  if (closedBodyCheck(body)) return checkedForm(copyCheckedBody(body));
  return { text: stringify(body) ?? 'null', purchaseDataText: undefined };
}

/** The canonical text alone (canonicalAuthorizeParts). */
export function canonicalAuthorizeBody(body: unknown, checked?: AuthorizeRequest): string {
  return canonicalAuthorizeParts(body, checked).text;
}

/** The checked copy's text with its purchase data moved last (where the contract has it unless fields follow it). */
function checkedForm(copy: AuthorizeRequest): CanonicalBody {
  const { supplementary_purchase_data: data, ...rest } = copy;
  const restText = JSON.stringify(rest);
  if (data === undefined) return { text: restText, purchaseDataText: undefined };
  const purchaseDataText = JSON.stringify(data);
  const field = `"supplementary_purchase_data":${purchaseDataText}}`;
  // (The closed check needs currency, so the rest is never `{}`; written right even if it were.)
  const text = restText === '{}' ? `{${field}` : `${restText.slice(0, -1)},${field}`;
  return { text, purchaseDataText };
}
