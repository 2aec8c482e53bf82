/** Query parameters whose values are redacted wherever a URL is logged or journaled (names compared lower-case, - as _). */
export const REDACTED_QUERY_PARAMETERS = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'session_token',
  'klarna_network_session_token',
  'api_key',
  'apikey',
  'key',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'signature',
  'sig',
  'auth',
  'authorization',
  'session',
]);

/** The URL with the values of secret query parameters replaced by [redacted]; everything else as received. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return REDACTED_QUERY_PARAMETERS.has(queryName(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, start)}?${query.join('&')}`;
}

function queryName(raw: string): string {
  let name = raw.replaceAll('+', ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // Malformed escapes: compare the name as it is.
  }
  return name.toLowerCase().replaceAll('-', '_');
}
