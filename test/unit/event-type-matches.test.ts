import { describe, expect, it } from 'vitest';
import { NotificationEventPattern } from '../../contracts/index.js';
import { anyEventTypeMatches, eventTypeMatches } from '../../mock-server/core/webhooks/event-type-matches.js';

describe('eventTypeMatches', () => {
  it.each([
    ['payment.request.state-change.completed', 'payment.request.state-change.completed', true],
    ['payment.request.state-change.completed', 'payment.request.state-change.submitted', false],
    ['payment.*', 'payment.request.state-change.completed', true],
    ['payment.request.*', 'payment.request.updated', true],
    ['payment.request.state-change.*', 'payment.request.state-change.in-progress', true],
    ['payment.transaction.*', 'payment.request.state-change.completed', false],
    ['settlement.*', 'payment.request.updated', false],
    // A family is matched by whole segments only.
    ['payment.*', 'payments.request.updated', false],
    ['payment.req.*', 'payment.request.updated', false],
  ])('%s asks for %s: %s', (pattern, eventType, expected) => {
    expect(eventTypeMatches(pattern, eventType)).toBe(expected);
  });

  it('matches when any of the patterns does, and never with none', () => {
    expect(anyEventTypeMatches(['settlement.*', 'payment.request.*'], 'payment.request.updated')).toBe(true);
    expect(anyEventTypeMatches([], 'payment.request.updated')).toBe(false);
  });
});

describe('NotificationEventPattern', () => {
  it.each([
    ['payment.request.state-change.completed', true],
    ['payment.*', true],
    ['payment.request.*', true],
    ['settlement.report.*', true],
    ['partner.compliance.*', true],
    ['identity.*', true],
    ['payment.request.state-change.complete', false],
    ['*', false],
    ['payments.*', false],
    ['payment.request.updated.*', false],
    ['payment.', false],
  ])('%s is a valid event type: %s', (value, valid) => {
    expect(NotificationEventPattern.safeParse(value).success).toBe(valid);
  });
});
