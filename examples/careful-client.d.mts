// The types of careful-client.mjs, for the TypeScript example that certifies it (certify-from-tests.test.ts).

export interface PayOptions {
  baseUrl: string;
  accountId: string;
  apiKey: string;
  /** Where its receiver reports to certify (KLARNA_CERTIFY_REPORT_URL); without it, no receiver runs. */
  reportUrl?: string;
  /** The key its receiver checks Klarna-Signature with (KLARNA_WEBHOOK_SIGNING_KEY). */
  signingKey?: string;
  /** A session token from a step-up, sent until Klarna refuses it (KLARNA_SESSION_TOKEN). */
  sessionToken?: string;
  /** In cents of EUR; 2500 by default. */
  amount?: number;
}

/** One purchase: 0 when it ends approved (or waiting for the customer's step-up), 1 when it does not. */
export function pay(options: PayOptions): Promise<0 | 1>;
