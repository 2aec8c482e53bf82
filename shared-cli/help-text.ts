import type { CliCommand, CliOption } from './cli-option.js';

const WIDTH = 116;

/** `--port <n>` or `-h, --help`. */
export function flagOf(option: CliOption): string {
  const long = `--${option.name}${option.value === undefined ? '' : ` ${option.value}`}`;
  return option.short === undefined ? long : `-${option.short}, ${long}`;
}

/** The description with its default and environment variable, as help and the docs show it. */
function describeOption(option: CliOption): string {
  const defaultText = option.defaultText ?? option.default;
  const extras = [
    ...(defaultText === undefined ? [] : [`default ${defaultText}`]),
    ...(option.env === undefined ? [] : [`env ${option.env}`]),
  ];
  return extras.length === 0 ? option.description : `${option.description} (${extras.join('; ')})`;
}

/** `--help`'s text, from the same table the parser reads. */
export function helpText(command: CliCommand): string {
  const flags = command.options.map((o) => (o.short === undefined ? `    ${flagOf(o)}` : flagOf(o)));
  const column = Math.max(...flags.map((f) => f.length)) + 4;
  const rows = command.options.map((o, i) => {
    const lines = wrap(describeOption(o), WIDTH - column);
    return lines.map((line, j) => `${(j === 0 ? `  ${flags[i]}` : '').padEnd(column)}${line}`).join('\n');
  });
  // Usage lines are indented under `Usage:` up to the first empty line; lines after it are notes on the usage.
  const blank = command.usage.indexOf('');
  const usage = command.usage.map((line, i) =>
    i === 0 ? `Usage: ${line}` : blank !== -1 && i >= blank ? line : `       ${line}`,
  );
  const notes = command.notes === undefined ? '' : `\n${command.notes.trimEnd()}\n`;
  return `${command.summary}\n\n${usage.join('\n')}\n\nOptions:\n${rows.join('\n')}\n${notes}`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
