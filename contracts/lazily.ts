import { z } from 'zod';

/**
 * A schema built on its first use rather than when its module loads. The simulator's start-up builds every route
 * and settings check, but serves its first request with only a few of the schemas: building them all as the modules
 * load was a seventh of its start-up (docs/performance.md). What it builds once is kept, so `.unwrap()` always gives
 * the same schema, and zod's messages, paths and JSON Schema are those of the schema inside.
 */
export function lazily<T extends z.ZodType>(build: () => T): z.ZodLazy<T> {
  let built: T | undefined;
  return z.lazy(() => {
    built ??= build();
    return built;
  });
}
