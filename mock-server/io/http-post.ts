import type { Post } from '../core/webhooks/attempt-delivery.js';

/** One delivery attempt over HTTP: no redirects followed, and a timeout so a silent receiver cannot stall a queue. */
export function httpPost(timeoutMs: number): Post {
  return async (url, body, headers, closing) => {
    // One controller per attempt, unhooked from the long-lived `closing` signal afterwards (AbortSignal.any would
    // leave an entry on it for every attempt of a simulator that runs for months).
    const attempt = new AbortController();
    const abort = () => attempt.abort();
    const timer = setTimeout(abort, timeoutMs);
    closing?.addEventListener('abort', abort, { once: true });
    try {
      const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: attempt.signal });
      await response.body?.cancel();
      return response.status;
    } finally {
      clearTimeout(timer);
      closing?.removeEventListener('abort', abort);
    }
  };
}
