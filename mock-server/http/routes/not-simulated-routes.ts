// Klarna's routes the simulator does not simulate, so that a 404 on one of them says so instead of suggesting the
// path is wrong (docs/simulator-choices.md#not-simulated-routes). Paths from Klarna's Network v2 request collection
// (r2512); operation names are Klarna's operationIds where its API reference gives them, otherwise the collection's
// request names in the same camelCase form.

interface NotSimulated {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The acquiring partner's form, under `/v2/accounts/{partner_account_id}`. */
  path: string;
  operation: string;
  /** Also reachable without the account segment (Klarna Direct), the API key's account. */
  direct: boolean;
}

const ACCOUNT = '/v2/accounts/{partner_account_id}';
const DISPUTE = `${ACCOUNT}/payment/disputes/{payment_dispute_id}`;

export const NOT_SIMULATED: readonly NotSimulated[] = [
  {
    method: 'GET',
    path: `${ACCOUNT}/payment/chargebacks/{payment_chargeback_id}`,
    operation: 'readPaymentChargeback',
    direct: true,
  },
  {
    method: 'DELETE',
    path: `${ACCOUNT}/payment/tokens/{payment_token}`,
    operation: 'cancelPaymentToken',
    direct: true,
  },
  { method: 'GET', path: `${ACCOUNT}/payment/presentation`, operation: 'getPaymentPresentation', direct: true },
  { method: 'GET', path: `${ACCOUNT}/payment/disputes`, operation: 'listDisputes', direct: true },
  { method: 'GET', path: DISPUTE, operation: 'getDispute', direct: true },
  { method: 'POST', path: `${DISPUTE}/attachments`, operation: 'uploadDisputeAttachment', direct: true },
  {
    method: 'GET',
    path: `${DISPUTE}/attachments/{payment_dispute_attachment_id}/download`,
    operation: 'downloadDisputeAttachment',
    direct: true,
  },
  { method: 'POST', path: `${DISPUTE}/respond`, operation: 'respondToDispute', direct: true },
  { method: 'POST', path: `${DISPUTE}/accept-loss`, operation: 'acceptDisputeLoss', direct: true },
  { method: 'POST', path: `${ACCOUNT}/interoperability/sdk-tokens`, operation: 'generateSdkToken', direct: false },
  {
    method: 'POST',
    path: `${ACCOUNT}/interoperability/tokens`,
    operation: 'generateInteroperabilityToken',
    direct: false,
  },
  {
    method: 'POST',
    path: `${ACCOUNT}/interoperability/test-tokens`,
    operation: 'generateTestInteroperabilityToken',
    direct: false,
  },
  { method: 'POST', path: `${ACCOUNT}/identity/sdk-tokens`, operation: 'generateIdentitySdkToken', direct: false },
  {
    method: 'POST',
    path: `${ACCOUNT}/identity/customer-token/introspect`,
    operation: 'introspectCustomerToken',
    direct: false,
  },
  {
    method: 'POST',
    path: `${ACCOUNT}/identity/customer-token/revoke`,
    operation: 'revokeCustomerToken',
    direct: false,
  },
];

interface Matcher {
  method: string;
  pattern: RegExp;
  /** The path as Klarna documents it, with its parameters in braces. */
  template: string;
  operation: string;
}

const toPattern = (template: string) =>
  new RegExp(`^${template.replace(/\{[a-z_]+\}/g, '[^/]+').replace(/[.-]/g, (c) => `\\${c}`)}/?$`);

const MATCHERS: Matcher[] = NOT_SIMULATED.flatMap((route) => {
  const forms = route.direct ? [route.path, route.path.replace(ACCOUNT, '/v2')] : [route.path];
  return forms.map((template) => ({
    method: route.method,
    pattern: toPattern(template),
    template,
    operation: route.operation,
  }));
});

/**
 * The Klarna operation a request that found no route was meant for, as `METHOD /path is Klarna's operation`, or
 * undefined when the path is no Klarna route the simulator knows of.
 */
export function notSimulatedOperation(method: string, url: string): string | undefined {
  const path = url.split('?', 1)[0] ?? '';
  const match = MATCHERS.find((m) => m.method === method && m.pattern.test(path));
  return match && `${match.method} ${match.template} is Klarna's ${match.operation}`;
}
