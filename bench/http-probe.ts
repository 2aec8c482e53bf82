import { request } from 'node:http';
import { AUTHORIZE_BODY, AUTHORIZE_PATH, HEADERS } from './request.js';

const BODY = JSON.stringify(AUTHORIZE_BODY);

/** One POST on a fresh connection; resolves with the status, or 0 when the connection failed (not listening yet). */
export function tryAuthorize(port: number, key: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: AUTHORIZE_PATH,
        agent: false,
        headers: { ...HEADERS, 'klarna-idempotency-key': key, 'content-length': Buffer.byteLength(BODY) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(BODY);
  });
}
