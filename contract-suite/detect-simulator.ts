import { printable, truncate } from '../contracts/violation.js';
import { send } from './provider-client.js';

export interface ProviderKind {
  simulator: boolean;
  /** Why the suite thinks so, for the report. */
  evidence: string;
}

/**
 * The simulator answers GET /__mock/health with 200 {"status":"ok"}; Klarna has no such route. The probe is also
 * the reachability check: a refused connection throws NoAnswerError before any interaction runs.
 */
export async function detectSimulator(baseUrl: string, timeoutMs: number): Promise<ProviderKind> {
  const exchange = await send({ method: 'GET', url: `${baseUrl}/__mock/health` }, timeoutMs);
  const answer = `GET /__mock/health answered ${exchange.status} ${printable(truncate(exchange.text, 60))}`.trimEnd();
  const ok = exchange.status === 200 && (exchange.json as { status?: unknown } | undefined)?.status === 'ok';
  return { simulator: ok, evidence: answer };
}
