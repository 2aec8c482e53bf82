import type { FastifyInstance } from 'fastify';
import { catalogue } from '../core/error-catalogue.js';
import { parseJson } from './json-body.js';

/**
 * Makes the scope take JSON bodies as text, parsed by the returned function after the credentials were checked (as
 * on authorize: a request without credentials is a 401 whatever its body). An empty body is undefined.
 */
export function jsonAfterAuth(scope: FastifyInstance) {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body === '' ? undefined : body),
  );
  return (received: unknown): unknown => {
    if (received === undefined) return undefined;
    const body = parseJson(typeof received === 'string' ? received : '');
    if (body === null) throw catalogue.invalidJson('The received input is JSON null, not a request object');
    return body;
  };
}
