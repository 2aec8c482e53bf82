import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { klarnaErrorOfCompilers } from '../../mock-server/http/validation-errors.js';

const Order = z.object({ lines: z.array(z.object({ quantity: z.int().min(1) })), note: z.string().optional() });

/** What Fastify hands the error handler when the zod validator compiler refuses a part. */
function refused(value: unknown) {
  const result = validatorCompiler({ schema: Order, method: 'POST', url: '/', httpPart: 'body' })(value) as {
    error?: unknown[];
  };
  if (result.error === undefined) throw new Error('the value passed');
  return Object.assign(new Error('body failed validation'), { code: 'FST_ERR_VALIDATION', validation: result.error });
}

describe('the errors of the zod compilers as Klarna errors', () => {
  it('names a violation inside an array as Klarna does: lines[1].quantity', () => {
    const error = klarnaErrorOfCompilers(refused({ lines: [{ quantity: 1 }, { quantity: 0 }], note: 5 }));
    expect(error?.statusCode).toBe(400);
    expect(error?.errorCode).toBe('VALIDATION_ERROR');
    expect(error?.validationErrors).toEqual([
      { parameter: 'lines[1].quantity', reason: 'Too small: expected number to be >=1' },
      { parameter: 'note', reason: 'Invalid input: expected string, received number' },
    ]);
  });

  it('names a violation of the whole part "body"', () => {
    expect(klarnaErrorOfCompilers(refused('text'))?.validationErrors).toEqual([
      { parameter: 'body', reason: 'Invalid input: expected object, received string' },
    ]);
  });

  it('turns a response that broke its schema into a 500 naming its paths', () => {
    const cause = Order.safeParse({ lines: [{ quantity: 'x' }] }).error;
    const error = klarnaErrorOfCompilers(
      Object.assign(new Error('no'), { code: 'FST_ERR_RESPONSE_SERIALIZATION', cause }),
    );
    expect(error?.statusCode).toBe(500);
    expect(error?.message).toMatch(/\(response broke its contract at lines\[0\]\.quantity\)$/);
  });

  it('leaves every other error to the error handler', () => {
    expect(klarnaErrorOfCompilers(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY' }))).toBe(
      undefined,
    );
  });
});
