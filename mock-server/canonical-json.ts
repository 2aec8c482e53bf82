/**
 * JSON with object keys sorted at every depth, so that equal requests hash equally whatever their key order.
 * Written with plain loops and string concatenation: it runs on every request that carries a key or token.
 */
/** Keys that need no escaping (every documented one): quoted directly instead of through JSON.stringify. */
const PLAIN_KEY = /^[A-Za-z0-9_$-]*$/;

export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i === 0 ? '' : ','}${PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key)}:${canonicalJson(record[key])}`;
  }
  return `${out}}`;
}
