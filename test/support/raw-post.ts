import { connect } from 'node:net';

export interface RawAnswer {
  /** Everything the server wrote before the connection ended. */
  text: string;
  /** The socket error, if the connection ended with one (ECONNRESET for a reset). */
  errorCode: string | undefined;
}

/** Posts JSON over a plain socket, to see exactly how a connection ends (reset, empty reply). */
export function rawPost(
  base: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  const payload = JSON.stringify(body);
  const head = [
    `POST ${path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(payload)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\n\r\n${payload}`));
    let text = '';
    let errorCode: string | undefined;
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      errorCode = error.code;
    });
    socket.on('close', () => resolve({ text, errorCode }));
  });
}
