import type { Flaw } from './fake-provider.js';

/** Answers errors in Fastify's default shape instead of Klarna's { error_id, error_type, error_code, … }. */
export const nonKlarnaError: Flaw = (answer) => {
  if (answer.status < 400) return answer;
  const message = String(answer.body.error_message);
  return { ...answer, body: { statusCode: answer.status, error: 'Bad Request', message } };
};
