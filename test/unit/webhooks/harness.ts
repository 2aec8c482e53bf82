import {
  WebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../../../mock-server/core/webhooks/webhook-dispatcher.js';
import { sequentialUuids } from '../../support/fake-clock.js';

export const START = Date.parse('2026-11-26T12:00:00.000Z');
export const A = 'krn:partner:global:account:test:M48JWZF8';
export const B = 'krn:partner:global:account:test:M4CIYH2N';
export const URL_A = 'http://127.0.0.1:9001/klarna/webhooks';
export const URL_B = 'https://receiver.test:8443/hooks';
export const KEY = 'a-signing-key-of-some-length';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** One simulator clock per account, moved by hand. */
export function accountClocks(start = START) {
  const offsets = new Map<string, number>();
  return {
    now: (account: string) => start + (offsets.get(account) ?? 0),
    advance(account: string, ms: number) {
      offsets.set(account, (offsets.get(account) ?? 0) + ms);
    },
  };
}

export type Answer = number | 'network-error';

export interface ReceivedCall {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** The event's own account clock when the attempt was made, ms after START. */
  at: number;
  account: string;
  eventId: string;
  eventType: string;
  state: string;
}

/**
 * A fake `post`: records each call and answers from a script per URL (200 once the script runs out). When held,
 * calls wait until the test releases them, so a test can act while an attempt is in flight.
 */
export function fakeReceiver(now: (account: string) => number) {
  const calls: ReceivedCall[] = [];
  const scripts = new Map<string, Answer[]>();
  const waiting: Array<() => void> = [];
  let held = false;
  let inFlight = 0;
  let maxInFlight = 0;

  const post = async (
    url: string,
    body: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<number> => {
    const envelope = JSON.parse(body);
    const account = envelope.metadata.recipient_account_id;
    calls.push({
      url,
      body,
      headers,
      at: now(account) - START,
      account,
      eventId: envelope.metadata.event_id,
      eventType: envelope.metadata.event_type,
      state: envelope.payload.state,
    });
    const answer = scripts.get(url)?.shift() ?? 200;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (held) {
        // Like a real receiver that has not answered yet: the dispatcher's close cuts the attempt short.
        await new Promise<void>((resolve, reject) => {
          waiting.push(resolve);
          signal?.addEventListener('abort', () => reject(new Error('aborted: the simulator closed')), { once: true });
        });
      }
    } finally {
      inFlight -= 1;
    }
    if (answer === 'network-error') throw new Error('connect ECONNREFUSED 127.0.0.1:9001');
    return answer;
  };

  return {
    post,
    calls,
    script(url: string, ...answers: Answer[]) {
      scripts.set(url, answers);
    },
    hold() {
      held = true;
    },
    /** Lets the waiting calls answer; later calls answer at once. */
    release() {
      held = false;
      for (const resolve of waiting.splice(0)) resolve();
    },
    waiting: () => waiting.length,
    maxInFlight: () => maxInFlight,
    /** Payload states of the calls, in arrival order. */
    states: () => calls.map((call) => call.state),
  };
}

export const eventType = (state: string) => `payment.request.state-change.${state.toLowerCase().replace('_', '-')}`;

/** A dispatcher on fake clocks and a fake receiver, with A subscribed to URL_A and B to URL_B. */
export function setup(options: Partial<WebhookDispatcherOptions> = {}) {
  const clocks = accountClocks();
  const receiver = fakeReceiver(clocks.now);
  const errors: string[] = [];
  const dispatcher = new WebhookDispatcher({
    now: clocks.now,
    uuid: sequentialUuids(),
    post: receiver.post,
    onError: (message) => errors.push(message),
    ...options,
  });
  /** Emits a payment request state change without waiting for the pump it starts. */
  const send = (account: string, state: string, n = 1) =>
    dispatcher.emit(account, eventType(state), {
      payment_request_id: `krn:payment:eu1:request:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      state,
    });
  dispatcher.subscribe({ account: A, url: URL_A, signing_key: KEY });
  dispatcher.subscribe({ account: B, url: URL_B, signing_key: KEY });
  return {
    dispatcher,
    receiver,
    errors,
    clocks,
    /** Moves one account's clock and pumps, as the app does on a clock move. */
    async move(account: string, ms: number) {
      clocks.advance(account, ms);
      await dispatcher.pump(account);
    },
    send,
    /** Emits a payment request state change and waits for the pump it started. */
    async emit(account: string, state: string, n = 1) {
      send(account, state, n);
      await dispatcher.idle();
    },
  };
}
