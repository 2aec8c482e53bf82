/** One HTTP/1.1 response read off a socket: its status, and how many bytes of the buffer it took. */
export interface ResponseBounds {
  status: number;
  length: number;
}

const HEAD_END = '\r\n\r\n';

/**
 * The first complete HTTP/1.1 response at the start of `data`, or undefined while more bytes are needed. Enough for
 * the servers the bench drives: a body framed by Content-Length or chunked (WireMock's default); a response framed
 * by closing the connection is refused, since the sequential driver keeps its connection.
 */
export function completeResponse(data: Buffer): ResponseBounds | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...headerLines] = data.toString('latin1', 0, headEnd).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP/1.1 response: ${statusLine.slice(0, 80)}`);
  let contentLength: number | undefined;
  let chunked = false;
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') contentLength = Number(value);
    else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
  }
  const bodyStart = headEnd + HEAD_END.length;
  if (chunked) return chunkedEnd(data, bodyStart, status);
  if (contentLength === undefined) {
    if (status === 204 || status === 304 || status < 200) return { status, length: bodyStart };
    throw new Error(`a ${status} answer without Content-Length or chunked encoding`);
  }
  const length = bodyStart + contentLength;
  return data.length >= length ? { status, length } : undefined;
}

/** Walks the chunks from `at`; the last (size 0) is followed by optional trailers and an empty line. */
function chunkedEnd(data: Buffer, start: number, status: number): ResponseBounds | undefined {
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    // parseInt stops at a chunk extension (";name=value").
    const size = Number.parseInt(data.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error('a chunk without a size');
    if (size === 0) {
      const end = data.indexOf(HEAD_END, lineEnd);
      return end < 0 ? undefined : { status, length: end + HEAD_END.length };
    }
    at = lineEnd + 2 + size + 2;
    if (data.length < at) return undefined;
  }
}
