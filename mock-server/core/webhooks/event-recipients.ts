import type { MockConfig } from '../config.js';

// Klarna sends an event about a subject account to the recipient account whose webhooks asked for it: a partner
// hears about the accounts it acts for (recipient_account_id and subject_account_id in the envelope).
// https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks

/**
 * The accounts whose Notifications API webhooks hear about an event of `subject`: the subject itself, and the
 * default account when an API key that acts as the default account may act on the subject (every key when no keys
 * are configured), since webhooks registered with that key live on the default account
 * (docs/simulator-choices.md#webhook-recipients).
 */
export function eventRecipients(subject: string, config: Pick<MockConfig, 'apiKeys' | 'defaultAccount'>): string[] {
  if (subject === config.defaultAccount) return [subject];
  const keys = config.apiKeys;
  const defaultHears =
    keys === undefined ||
    keys.some(
      // A key bound to exactly one account acts as that account; any other key as the default one.
      (key) => key.accounts?.length !== 1 && (key.accounts === undefined || key.accounts.includes(subject)),
    );
  return defaultHears ? [subject, config.defaultAccount] : [subject];
}
