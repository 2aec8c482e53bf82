import { z } from 'zod';
import { parameterPath } from './parameter-path.js';

/** The known keys of a schema at every depth: `{}` marks a leaf, `items` the elements of an array. */
interface KeyTree {
  keys?: Map<string, KeyTree>;
  items?: KeyTree;
}

const trees = new WeakMap<z.ZodType, KeyTree>();

/**
 * Paths of fields the schema does not know (docs/simulator-choices.md#unknown-fields): accepted, but reported so that a typo like
 * `paymnet_transaction_reference` is caught. Walks the value beside the schema's key tree (built once per
 * schema); it never throws. Not zod's own unrecognized_keys: zod reports them only from strict objects, which refuse
 * the body, and the contract accepts extra fields.
 */
export function unknownFields(schema: z.ZodType, value: unknown): string[] {
  let tree = trees.get(schema);
  if (tree === undefined) {
    tree = keyTree(schema);
    trees.set(schema, tree);
  }
  const out: string[] = [];
  walk(tree, value, [], out);
  return out;
}

/** `path` is the one array of the walk, pushed and popped: a path is copied only for an unknown field. */
function walk(tree: KeyTree, value: unknown, path: PropertyKey[], out: string[]): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    if (tree.items === undefined) return;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(tree.items, value[i], path, out);
      path.pop();
    }
    return;
  }
  if (tree.keys === undefined) return;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = tree.keys.get(key);
    path.push(key);
    if (child === undefined) out.push(parameterPath(path));
    else walk(child, (value as Record<string, unknown>)[key], path, out);
    path.pop();
  }
}

function keyTree(schema: z.ZodType): KeyTree {
  let inner = schema;
  while (
    inner instanceof z.ZodOptional ||
    inner instanceof z.ZodNullable ||
    inner instanceof z.ZodDefault ||
    // Contracts' schemas built on first use (contracts/lazily.ts).
    inner instanceof z.ZodLazy
  ) {
    inner = inner.unwrap() as z.ZodType;
  }
  if (inner instanceof z.ZodObject) {
    const shape = inner.shape as Record<string, z.ZodType>;
    // `z.looseObject({})` declares a free-form object (an echo of what the partner sent): any key is known.
    const catchall = inner.def.catchall;
    if (Object.keys(shape).length === 0 && catchall instanceof z.ZodUnknown) return {};
    return { keys: new Map(Object.entries(shape).map(([key, child]) => [key, keyTree(child)])) };
  }
  if (inner instanceof z.ZodArray) return { items: keyTree(inner.element as z.ZodType) };
  return {};
}
