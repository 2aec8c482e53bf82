import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { CliOption } from './cli-option.js';
import { UsageError } from './usage-error.js';

type ValueSource = 'flag' | 'env' | 'default';

export interface ParsedCli {
  help: boolean;
  positionals: string[];
  /** The flag's value, else its environment variable's, else its default. */
  value(name: string): string | undefined;
  /** The flag's value as given (a boolean for boolean options), without environment or default. */
  flag(name: string): string | boolean | undefined;
  /** Where value(name) came from; undefined when from nowhere. */
  from(name: string): ValueSource | undefined;
  /** What the user typed for the option, for messages: the environment variable when it came from there. */
  label(name: string): string;
  has(name: string): boolean;
}

/**
 * Reads argv with node:util parseArgs against an option table; an unknown or malformed option is a UsageError.
 * Validation stays with each command (its zod schema); usageErrorOf turns the schema's issues into one message.
 */
export function parseCli(
  options: readonly CliOption[],
  argv: string[],
  env: NodeJS.ProcessEnv,
  settings: { positionals?: boolean } = {},
): ParsedCli {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        options.map((o) => [o.name, { type: o.type, ...(o.short !== undefined && { short: o.short }) }]),
      ),
      strict: true,
      allowPositionals: settings.positionals ?? false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const byName = new Map(options.map((o) => [o.name, o]));
  const option = (name: string) => {
    const found = byName.get(name);
    if (found === undefined) throw new Error(`no option --${name} in the table`);
    return found;
  };
  const from = (name: string): ValueSource | undefined => {
    const { env: envName, default: fallback } = option(name);
    if (values[name] !== undefined) return 'flag';
    if (envName !== undefined && env[envName] !== undefined) return 'env';
    return fallback === undefined ? undefined : 'default';
  };
  return {
    help: values.help === true,
    positionals: parsed.positionals,
    flag: (name) => values[option(name).name],
    from,
    value(name) {
      const source = from(name);
      const { env: envName, default: fallback } = option(name);
      if (source === 'flag') return String(values[name]);
      if (source === 'env') return env[envName as string];
      return source === 'default' ? fallback : undefined;
    },
    label: (name) => (from(name) === 'env' ? (option(name).env as string) : `--${name}`),
    has: (name) => byName.has(name),
  };
}

/**
 * One UsageError for a schema's issues, each named by what the user typed: `names` maps a schema key to its
 * option (keys that map to no option, or are not in `names`, are named as they are, e.g. `<command>`).
 */
export function usageErrorOf(error: z.ZodError, parsed: ParsedCli, names: Record<string, string>): UsageError {
  const nameOf = (key: PropertyKey | undefined) => {
    const option = names[String(key)] ?? String(key);
    return parsed.has(option) ? parsed.label(option) : option;
  };
  return new UsageError(error.issues.map((i) => `${nameOf(i.path[0])}: ${i.message}`).join('; '));
}
