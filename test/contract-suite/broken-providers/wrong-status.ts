import type { Flaw } from './fake-provider.js';

/** Rejects an invalid body with 422 Unprocessable Entity where Klarna answers 400; the body itself is right. */
export const wrongStatus: Flaw = (answer) =>
  answer.body.error_code === 'VALIDATION_ERROR' ? { ...answer, status: 422 } : answer;
