import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flat } from '../../mock-server/core/flat-string.js';
import { keepPurchaseData } from '../../mock-server/core/payment-requests/kept-purchase-data.js';

const KEEP = fileURLToPath(new URL('../../mock-server/core/payment-requests/kept-purchase-data.ts', import.meta.url));

// Heap bytes each of 20,000 kept purchase data texts holds, as JSON.stringify made it and as a transaction keeps it
// (keepPurchaseData, through flat()), measured in a process of its own with the collector run before and after
// (--expose-gc), so that nothing else in the heap moves the figures.
const MEASURE = `
const { keepPurchaseData } = await import(${JSON.stringify(KEEP)});
const data = { purchase_reference: 'order', line_items: Array.from({ length: 4 }, (_, i) => ({
  name: 'item ' + i, quantity: 1, total_amount: 1000 + i, product_url: 'https://example.com/products/a-long-name' })) };
const kept = (keep) => {
  const out = [];
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 20000; i++) {
    data.purchase_reference = 'order-' + i;
    out.push(keep(JSON.stringify(data)));
  }
  globalThis.gc();
  return (process.memoryUsage().heapUsed - before) / out.length;
};
const rope = kept((text) => text);
const flat = kept((text) => keepPurchaseData(data, text).text);
console.log(JSON.stringify({ rope, flat, length: JSON.stringify(data).length }));
`;

describe('flat', () => {
  it('returns the same text', () => {
    const text = JSON.stringify({ a: 'x'.repeat(100), b: [1, 2, 3] });
    expect(flat(text)).toBe(text);
    expect(flat('')).toBe('');
  });

  it('keeps purchase data in fewer heap bytes than the rope JSON.stringify made of it', () => {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', MEASURE],
      {
        encoding: 'utf8',
      },
    );
    const { rope, flat: flatBytes, length } = JSON.parse(out) as { rope: number; flat: number; length: number };
    // A flat one-byte string is its characters and a small header; the rope measured 736 bytes for 515 characters.
    expect(flatBytes).toBeLessThan(length + 64);
    expect(flatBytes).toBeLessThan(rope * 0.85);
  });

  it('is how purchase data is kept', () => {
    const data = { purchase_reference: 'order-1' };
    expect(keepPurchaseData(data)?.text).toBe(JSON.stringify(data));
  });
});
