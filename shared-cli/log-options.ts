import { z } from 'zod';
import type { CliOption } from './cli-option.js';

/** The servers' --log-level and --log-format (the simulator's and the proxy's), read into LogLevel and LogFormat. */
export const LOG_LEVEL_OPTION: CliOption = {
  name: 'log-level',
  type: 'string',
  value: '<lvl>',
  env: 'LOG_LEVEL',
  default: 'info',
  description: 'fatal, error, warn, info, debug, trace or silent',
};

export const LOG_FORMAT_OPTION: CliOption = {
  name: 'log-format',
  type: 'string',
  value: '<f>',
  defaultText: 'pretty in a terminal, json otherwise',
  description: 'pretty or json',
};

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export const LogFormat = z.enum(['pretty', 'json']);
