import { KlarnaHttpError } from '../../../mock-server/core/error-catalogue.js';

/**
 * What a stage did with a request, as one comparable line: 'passes', or the catalogue error it threw as
 * "<status> <code>: <reasons or message>". Anything else thrown is rethrown.
 */
export function refusalOf(stage: () => unknown): string {
  try {
    stage();
    return 'passes';
  } catch (error) {
    if (!(error instanceof KlarnaHttpError)) throw error;
    const reasons = error.validationErrors?.map((v) => `${v.parameter} ${v.reason}`).join(', ');
    return `${error.statusCode} ${error.errorCode}: ${reasons ?? error.message}`;
  }
}

/** refusalOf for a stage that answers with a promise. */
export async function refusalOfAsync(stage: () => Promise<unknown>): Promise<string> {
  try {
    await stage();
    return 'passes';
  } catch (error) {
    return refusalOf(() => {
      throw error;
    });
  }
}
