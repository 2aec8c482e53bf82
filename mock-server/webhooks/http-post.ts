import type { Post } from './attempt-delivery.js';

/** One delivery attempt over HTTP: no redirects followed, and a timeout so a silent receiver cannot stall a queue. */
export function httpPost(timeoutMs: number): Post {
  return async (url, body, headers, closing) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual',
      signal: closing === undefined ? timeout : AbortSignal.any([timeout, closing]),
    });
    await response.body?.cancel();
    return response.status;
  };
}
