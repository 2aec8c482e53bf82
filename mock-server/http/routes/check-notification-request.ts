import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { NotificationHeaders, type ValidationError } from '../../../contracts/index.js';
import { accountOfKey } from '../../core/authenticate.js';
import type { MockConfig } from '../../core/config.js';
import { catalogue, KlarnaHttpError } from '../../core/error-catalogue.js';
import { violationsOf } from '../../core/parameter-path.js';

const IdempotencyKey = NotificationHeaders.unwrap().shape['klarna-idempotency-key'];

/** A Notifications API request once checked: its account (the API key's), idempotency key, path and body. */
export interface NotificationRequest<P = unknown, B = unknown> {
  account: string;
  key: string | undefined;
  params: P;
  body: B;
}

/**
 * Credentials first (401: these paths name no account, the API key does), then every violation of the
 * idempotency key, the path parameters and the body, listed together in one VALIDATION_ERROR.
 */
export function checkNotificationRequest<P extends z.ZodType, B extends z.ZodType>(
  request: FastifyRequest,
  config: Pick<MockConfig, 'apiKeys' | 'defaultAccount'>,
  parts: { params?: P; body?: B },
): NotificationRequest<z.output<P>, z.output<B>> {
  const account = accountOfKey(request.headers.authorization, config);
  if (account instanceof KlarnaHttpError) throw account;
  const issues: ValidationError[] = [];
  const key = IdempotencyKey.safeParse(request.headers['klarna-idempotency-key']);
  if (!key.success) issues.push({ parameter: 'Klarna-Idempotency-Key', reason: 'must be 1 to 255 characters' });
  const params = parts.params?.safeParse(request.params);
  if (params?.success === false) issues.push(...violationsOf(params.error));
  const body = parts.body?.safeParse(request.body);
  if (body?.success === false) issues.push(...violationsOf(body.error));
  if (issues.length > 0) throw catalogue.validation(issues);
  return { account, key: key.data, params: params?.data as z.output<P>, body: body?.data as z.output<B> };
}
