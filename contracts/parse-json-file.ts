import type { z } from 'zod';
import { dotPath } from './dot-path.js';

/**
 * zod's options for a parse made once or seldom (the settings, a command line, a file): without zod's compiled fast
 * path, which costs more to compile than it saves on one parse (a tenth of the settings' parse at start-up).
 */
export const ONE_OFF_PARSE = { jitless: true } as const;

export type JsonFileResult<T> = { ok: true; data: T } | { ok: false; file: string; reason: string };

/**
 * The text of a JSON file (settings, scenarios, samples) parsed by its contract: the data, or why not, with the file
 * named and every issue at its path (`scenarios[0].result: Invalid option`), so a bad file says what to fix. Reading
 * the file is left to the caller: contracts/ imports nothing but zod.
 */
export function parseJsonFile<S extends z.ZodType>(file: string, text: string, schema: S): JsonFileResult<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, file, reason: `not valid JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json, ONE_OFF_PARSE);
  if (parsed.success) return { ok: true, data: parsed.data };
  const reason = parsed.error.issues.map((issue) => `${dotPath(issue.path)}: ${issue.message}`).join('; ');
  return { ok: false, file, reason };
}
