import type { FastifyInstance } from 'fastify';
import { parseJson } from '../json-body.js';

/**
 * JSON bodies are parsed by parseJson (depth limit, secure-json-parse, refused keys named); text/plain is no body
 * type here. An empty JSON body is no body: DELETE clients often send the header anyway. Routes that need a body say
 * so.
 */
export function jsonBodyParser(app: FastifyInstance) {
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, parseJson(body as string));
    } catch (error) {
      done(error as Error);
    }
  });
}
