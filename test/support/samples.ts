// Klarna's documented requests, each parsed by its contract schema so a broken fixture fails loudly: the contract
// suite's loader, which reads the same fixtures/samples.
export { loadSamples } from '../../contract-suite/documented-requests.js';

export const ACCOUNT = 'krn:partner:global:account:test:M48JWZF8';
export const AUTHORIZE_URL = (account = ACCOUNT) => `/v2/accounts/${encodeURIComponent(account)}/payment/authorize`;
