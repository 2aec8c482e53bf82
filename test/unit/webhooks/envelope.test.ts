import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WebhookEnvelope } from '../../../contracts/index.js';
import { accountUuid, buildEnvelope } from '../../../mock-server/core/webhooks/envelope.js';
import { A, B, START } from './harness.js';

const input = {
  eventId: '62bb5d9f-33d3-43d0-9d84-1018eb573ed6',
  eventType: 'payment.request.state-change.completed',
  occurredAt: START,
  account: A,
  webhookId: 'krn:partner:global:notification:webhook:8932d175-0b5d-4c1e-9a1f-9d0c2d7c1a11',
  payload: {
    payment_request_id: 'krn:payment:eu1:request:131c75cd-7b4b-4a55-9a8e-2b5ad6a1f2c3',
    payment_request_reference: 'acquirer-ref-42',
    state: 'COMPLETED',
    state_context: { klarna_network_session_token: 'krn:payment:eu1:klarna-network-session-token:abc' },
  },
};

describe('the webhook envelope', () => {
  it('has the documented v2 shape and parses with the contract', () => {
    const envelope = buildEnvelope(input);
    expect(WebhookEnvelope.parse(envelope)).toEqual(envelope);
    expect(envelope).toMatchInlineSnapshot(`
      {
        "metadata": {
          "event_id": "62bb5d9f-33d3-43d0-9d84-1018eb573ed6",
          "event_type": "payment.request.state-change.completed",
          "event_version": "v2",
          "occurred_at": "2026-11-26T12:00:00.000Z",
          "product_instance_id": "krn:partner:global:account:product:payment:d387573e-8cf8-823d-8b5f-6f224e4c21c7",
          "recipient_account_id": "krn:partner:global:account:test:M48JWZF8",
          "subject_account_id": "krn:partner:global:account:test:M48JWZF8",
          "webhook_id": "krn:partner:global:notification:webhook:8932d175-0b5d-4c1e-9a1f-9d0c2d7c1a11",
        },
        "payload": {
          "payment_request_id": "krn:payment:eu1:request:131c75cd-7b4b-4a55-9a8e-2b5ad6a1f2c3",
          "payment_request_reference": "acquirer-ref-42",
          "state": "COMPLETED",
          "state_context": {
            "klarna_network_session_token": "krn:payment:eu1:klarna-network-session-token:abc",
          },
        },
      }
    `);
  });

  it('keeps the metadata keys in the order of Klarna’s sample', () => {
    expect(Object.keys(buildEnvelope(input).metadata)).toEqual([
      'event_id',
      'event_type',
      'event_version',
      'occurred_at',
      'recipient_account_id',
      'subject_account_id',
      'product_instance_id',
      'webhook_id',
    ]);
  });

  it('derives one stable, valid UUID per account for the product instance', () => {
    expect(accountUuid(A)).toBe(accountUuid(A));
    expect(accountUuid(A)).not.toBe(accountUuid(B));
    expect(z.uuid().safeParse(accountUuid(A)).success).toBe(true);
    expect(accountUuid(A).charAt(14)).toBe('8');
  });

  it('parses a webhook shaped like Klarna’s documented sample, unknown fields included', () => {
    const klarna = {
      metadata: {
        event_id: '62bb5d9f-33d3-43d0-9d84-1018eb573ed6',
        event_type: 'payment.request.state-change.canceled',
        event_version: 'v2',
        occurred_at: '2025-03-06T09:51:59Z',
        recipient_account_id: 'krn:partner:global:account:test:M48JWZF8',
        subject_account_id: 'krn:partner:global:account:test:M4CIYH2N',
        product_instance_id: 'krn:partner:global:account:product:payment:131c75cd-0000-0000-0000-000000000000',
        webhook_id: 'krn:partner:global:notification:webhook:8932d175-0000-0000-0000-000000000000',
        something_new: true,
      },
      payload: {
        payment_request_id: 'krn:payment:eu1:request:x',
        state: 'CANCELED',
        canceled_at: '2025-03-06T09:51:59Z',
      },
    };
    expect(WebhookEnvelope.safeParse(klarna).success).toBe(true);
  });

  it.each([
    ['an event_version other than v2', { event_version: 'v1' }],
    ['an event_id that is not a UUID', { event_id: 'evt-1' }],
    ['an occurred_at that is not a date-time', { occurred_at: '6 March 2025' }],
    ['an event_type that is not a dotted name', { event_type: 'Completed' }],
  ])('rejects %s', (_case, metadata) => {
    const envelope = buildEnvelope(input);
    expect(WebhookEnvelope.safeParse({ ...envelope, metadata: { ...envelope.metadata, ...metadata } }).success).toBe(
      false,
    );
  });
});
