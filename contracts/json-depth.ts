/** Deepest nesting accepted in a JSON body: Klarna's request is 5 levels deep; 64 leaves room for extras. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a JSON text nests deeper than `max`, found by one pass over the characters (brackets inside strings do
 * not count). Checked before parsing, so a deeply nested body cannot exhaust the stack anywhere later. A text with
 * no more than `max` opening brackets cannot nest deeper, which a few native searches settle for most bodies.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (openingBracketsAtMost(text, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function openingBracketsAtMost(text: string, max: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      count++;
      if (count > max) return false;
    }
  }
  return true;
}
