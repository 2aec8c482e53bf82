import type { AuthorizePlan } from '../core/authorize/authorize-service.js';
import type { KlarnaHttpError } from '../core/error-catalogue.js';

/**
 * One journaled request as it goes through the server: made when it arrives (http/plugins/exchange-hooks.ts), filled in by
 * the route and the error handler, and handed once to the journal and the log line when it is answered. Requests
 * that are not Klarna operations (admin, health, pages) have none.
 */
export interface Exchange {
  /** Its place in the journal's order of arrival. */
  readonly seq: number;
  /** Authorize journals its plan and the body as received; the other operations what their parser made of it. */
  readonly operation: 'authorize' | 'other';
  /** What authorize decided, once it got that far (undefined: refused by a check). */
  plan: AuthorizePlan | undefined;
  /** The authorize body exactly as received. */
  bodyText: string | undefined;
  /** The catalogue error the request was answered with, staged by a scenario or thrown by a check. */
  error: KlarnaHttpError | undefined;
  /** Handed to the journal already (a shared journal records before the answer is sent). */
  journaled: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Null for requests that are not journaled. */
    exchange: Exchange | null;
  }
}

export function newExchange(seq: number, operation: Exchange['operation']): Exchange {
  return { seq, operation, plan: undefined, bodyText: undefined, error: undefined, journaled: false };
}

/** The exchange of a journaled route's request, made on arrival; its absence is a wiring bug. */
export function exchangeOf(request: { exchange: Exchange | null }): Exchange {
  if (request.exchange === null) throw new Error('a journaled request arrived without its exchange');
  return request.exchange;
}
