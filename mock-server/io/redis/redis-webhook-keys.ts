import { accountTag } from './redis-keys.js';

/** One account's webhook delivery keys, in the order the delivery scripts take them (redis-webhook-scripts.ts). */
export function webhookKeys(namespace: string, account: string) {
  const prefix = `${namespace}${accountTag(account)}:wh:`;
  const scripted = ['meta', 'rec', 'log', 'pend', 'fin', 'due', 'held', 'flight', 'lease', 'fault'].map(
    (name) => `${prefix}${name}`,
  );
  return { scripted, fault: `${prefix}fault`, subscription: `${prefix}sub`, all: [...scripted, `${prefix}sub`] };
}

/** The list of accounts with webhook work: one key of its own, polled by every instance. */
export const activeAccountsKey = (namespace: string) => `${namespace}{webhook-schedule}:accounts`;

/** One account's Notifications API keys, in the order the notification scripts take them. */
export function notificationKeys(namespace: string, account: string): string[] {
  const prefix = `${namespace}${accountTag(account)}:notify:`;
  return ['keys', 'key-order', 'hooks', 'hook-order', 'seq'].map((name) => `${prefix}${name}`);
}
