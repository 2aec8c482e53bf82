import { z } from 'zod';

/**
 * A schema built on its first use rather than when its module loads. The simulator's start-up builds every route
 * and settings check, but serves its first request with only a few of the schemas: building them all as the modules
 * load was a tenth of its start-up (docs/performance.md). What it builds once is kept, so `.unwrap()` always gives
 * the same schema, and zod's messages, paths and JSON Schema are those of the schema inside.
 *
 * The first use also builds every lazily schema inside it. zod wraps each object and array parse in a check for
 * reference cycles until it has seen that nothing below can loop back; a lazy schema not built yet might, so an
 * object holding one (an optional field no request has sent) was parsed with that check for good: a whole authorize
 * body 2.6 times slower.
 */
export function lazily<T extends z.ZodType>(build: () => T): z.ZodLazy<T> {
  let built: T | undefined;
  return z.lazy(() => {
    if (built === undefined) {
      built = build();
      buildInside(built);
    }
    return built;
  });
}

const walked = new WeakSet<z.ZodType>();

/** Builds the lazy schemas below `schema`, whatever wraps or holds them. */
function buildInside(schema: z.ZodType): void {
  if (walked.has(schema)) return;
  walked.add(schema);
  if (schema instanceof z.ZodLazy) {
    buildInside(schema._zod.innerType as z.ZodType);
    return;
  }
  for (const [key, value] of Object.entries(schema._zod.def)) {
    if (key === 'shape' && typeof value === 'object' && value !== null) {
      for (const child of Object.values(value)) if (child instanceof z.ZodType) buildInside(child);
    } else if (Array.isArray(value)) {
      for (const child of value) if (child instanceof z.ZodType) buildInside(child);
    } else if (value instanceof z.ZodType) buildInside(value);
  }
}
