import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why a report could not be written at `path` (its directory is made when missing), or undefined. */
export function unwritable(path: string): string | undefined {
  try {
    const existing = statSync(path, { throwIfNoEntry: false });
    if (existing?.isDirectory()) return `${path} is a directory`;
    mkdirSync(dirname(path), { recursive: true });
    accessSync(existing === undefined ? dirname(path) : path, constants.W_OK);
    return undefined;
  } catch (error) {
    return `cannot write ${path}: ${(error as Error).message}`;
  }
}
