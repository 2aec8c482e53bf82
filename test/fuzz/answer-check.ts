import { AuthorizeResponse, KlarnaError } from '../../contracts/index.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/**
 * What every answer of the authorize route must be, whatever was sent: a contract-valid 200, or a 4xx with Klarna's
 * error body whose error_id is the Klarna-Correlation-Id. Returns what is wrong, or undefined.
 */
export function answerProblem(answer: Answer): string | undefined {
  const { status, headers, body } = answer;
  if (status >= 500) return `status ${status}`;
  if (status !== 200 && (status < 400 || status > 499)) return `status ${status} is neither 200 nor 4xx`;
  if (!String(headers['content-type'] ?? '').startsWith('application/json')) {
    return `content-type ${headers['content-type']}`;
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (status === 200) {
    const parsed = AuthorizeResponse.safeParse(json);
    return parsed.success ? undefined : `200 breaks AuthorizeResponse: ${parsed.error.message}`;
  }
  const parsed = KlarnaError.safeParse(json);
  if (!parsed.success) return `${status} breaks KlarnaError: ${parsed.error.message}`;
  const correlationId = headers['klarna-correlation-id'];
  if (parsed.data.error_id !== correlationId) {
    return `error_id ${parsed.data.error_id} is not the Klarna-Correlation-Id ${correlationId}`;
  }
  return undefined;
}

/** Throws with the answer and a summary of the input, so a fast-check counterexample says what went wrong. */
export function expectKlarnaAnswer(answer: Answer, input: string): void {
  const problem = answerProblem(answer);
  if (problem !== undefined) {
    throw new Error(
      `${problem}\n  answer: ${answer.status} ${answer.body.slice(0, 500)}\n  input: ${input.slice(0, 500)}`,
    );
  }
}
