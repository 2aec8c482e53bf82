import { describe, expect, it } from 'vitest';
import { WebhookEnvelope } from '../../../contracts/index.js';
import { verifyKlarnaSignature } from '../../../mock-server/core/webhooks/sign.js';
import type { WebhookTarget } from '../../../mock-server/core/webhooks/webhook-dispatcher.js';
import { A, B, KEY, setup, URL_A } from './harness.js';

const TARGET: WebhookTarget = {
  webhookId: 'krn:partner:global:notification:webhook:00000000-0000-4000-8000-00000000aaaa',
  url: 'https://partner.test/klarna',
  signingKeyId: 'krn:partner:global:notification:signing-key:00000000-0000-4000-8000-00000000bbbb',
  signingKey: 'the-target-signing-key',
};
const COMPLETED = 'payment.request.state-change.completed';
const PAYLOAD = { payment_request_id: 'krn:payment:eu1:request:x', state: 'COMPLETED' };

describe("webhooks registered through Klarna's Notifications API", () => {
  it('get the event beside the admin subscription: one event id, each envelope naming its webhook and signed with its key', async () => {
    const { dispatcher, receiver } = setup({ targets: (account) => (account === A ? [TARGET] : []) });
    dispatcher.emit(A, COMPLETED, PAYLOAD);
    await dispatcher.idle();

    expect(receiver.calls.map((call) => call.url)).toEqual([URL_A, TARGET.url]);
    const [admin, target] = receiver.calls;
    expect(admin?.eventId).toBe(target?.eventId);
    expect(verifyKlarnaSignature(String(admin?.body), admin?.headers['Klarna-Signature'], KEY)).toBe(true);
    expect(verifyKlarnaSignature(String(target?.body), target?.headers['Klarna-Signature'], TARGET.signingKey)).toBe(
      true,
    );
    expect(target?.headers['Klarna-Signing-Key-Id']).toBe(TARGET.signingKeyId);
    expect(WebhookEnvelope.parse(JSON.parse(String(target?.body))).metadata.webhook_id).toBe(TARGET.webhookId);
    expect(dispatcher.deliveries(A).map((d) => d.url)).toEqual([URL_A, TARGET.url]);
  });

  it('are asked for with the account and the event type of each event', async () => {
    const asked: string[] = [];
    const { dispatcher } = setup({
      targets: (account, eventType) => {
        asked.push(`${account} ${eventType}`);
        return [];
      },
    });
    dispatcher.emit(B, COMPLETED, PAYLOAD);
    await dispatcher.idle();
    expect(asked).toEqual([`${B} ${COMPLETED}`]);
  });

  it('reach an account that has no admin subscription, and a simulated event reaches only its one webhook', async () => {
    const { dispatcher, receiver } = setup({ targets: () => [TARGET] });
    dispatcher.emit('krn:partner:global:account:test:NOSUBSCR', COMPLETED, PAYLOAD);
    const simulated = dispatcher.simulate('krn:partner:global:account:test:NOSUBSCR', TARGET, COMPLETED, PAYLOAD);
    await dispatcher.idle();
    expect(receiver.calls.map((call) => call.url)).toEqual([TARGET.url, TARGET.url]);
    expect(receiver.calls[1]?.eventId).toBe(simulated);
  });

  it('share the armed fault of the event with the admin subscription', async () => {
    const { dispatcher, receiver } = setup({ targets: () => [TARGET] });
    dispatcher.setFault({ account: A, fault: 'drop' });
    dispatcher.emit(A, COMPLETED, PAYLOAD);
    await dispatcher.idle();
    expect(receiver.calls).toEqual([]);
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['dropped', 'dropped']);
  });
});
