/** One row of a command's option table: parsing, `--help` and docs/reference/cli.md all come from it. */
export interface CliOption {
  /** The long flag without its dashes, e.g. `port` for `--port`. */
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  /** How the value is shown in help, e.g. `<n>`; string options only. */
  value?: string;
  /** The environment variable read when the flag is absent. */
  env?: string;
  /** The value used when neither the flag nor the environment gives one. */
  default?: string;
  /** How help describes the default when it is not one fixed value (e.g. it depends on the terminal). */
  defaultText?: string;
  description: string;
}

/** A command as help and the reference docs show it. */
export interface CliCommand {
  /** The name the docs use as its heading, e.g. `klarna-mock proxy`. */
  name: string;
  /** The first lines of help: what the command does. */
  summary: string;
  usage: string[];
  options: readonly CliOption[];
  /** Text after the options: notes, exit codes. */
  notes?: string;
}

export const HELP_OPTION: CliOption = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };
