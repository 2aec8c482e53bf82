import { describe, expect, it } from 'vitest';
import { completeResponse } from '../../bench/http-response.js';
import { percentile } from '../../bench/stats.js';

// The sequential driver's pure parts: how it frames an answer off its socket, and its percentiles. (No timing here.)

describe('percentile', () => {
  it('takes the nearest rank of the sorted values', () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile([0.25], 99)).toBe(0.25);
    expect(percentile([], 50)).toBeNaN();
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('completeResponse', () => {
  const head = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n';

  it('frames a body by Content-Length, and waits for all of it', () => {
    const whole = Buffer.from(`${head}Content-Length: 7\r\n\r\n{"a":1}`);
    expect(completeResponse(whole)).toEqual({ status: 200, length: whole.length });
    expect(completeResponse(whole.subarray(0, whole.length - 1))).toBeUndefined();
    expect(completeResponse(whole.subarray(0, 20))).toBeUndefined();
  });

  it('leaves the bytes of a next response alone', () => {
    const first = `HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}`;
    const data = Buffer.from(`${first}HTTP/1.1 200 OK\r\n`);
    expect(completeResponse(data)).toEqual({ status: 400, length: first.length });
  });

  it('walks chunks to the last one, with or without trailers', () => {
    const chunked = `${head}Transfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n3;x=y\r\n:1}\r\n0\r\n\r\n`;
    expect(completeResponse(Buffer.from(chunked))).toEqual({ status: 200, length: chunked.length });
    const trailed = `${head}transfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nx-t: 1\r\n\r\n`;
    expect(completeResponse(Buffer.from(trailed))).toEqual({ status: 200, length: trailed.length });
    for (const cut of [chunked.length - 1, chunked.length - 6, chunked.length - 12]) {
      expect(completeResponse(Buffer.from(chunked.slice(0, cut)))).toBeUndefined();
    }
  });

  it('refuses what it cannot frame', () => {
    expect(() => completeResponse(Buffer.from('garbage\r\n\r\n'))).toThrow(/not an HTTP\/1.1 response/);
    expect(() => completeResponse(Buffer.from('HTTP/1.1 200 OK\r\n\r\n{}'))).toThrow(/without Content-Length/);
    expect(completeResponse(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))).toEqual({ status: 204, length: 27 });
  });
});
