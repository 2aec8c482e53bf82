import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { parseJsonFile } from '../../contracts/index.js';

/** A JSON file parsed by its contract (parseJsonFile), or an Error naming the file and the reason, to stop a start. */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  const result = parseJsonFile(file, text, schema);
  if (!result.ok) throw new Error(`${result.file}: ${result.reason}`);
  return result.data;
}
