import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as contracts from '../../contracts/index.js';
import { lazily } from '../../contracts/lazily.js';

// contracts/lazily.ts: the contracts' top-level schemas are built on first use, not when their modules load.

const ROOT = join(import.meta.dirname, '..', '..');

/** Every union reachable from `schema` with an option that is a lazily schema, by path. */
function unionsWithLazyOptions(schema: unknown, path: string, seen: Set<unknown>, found: string[]): string[] {
  if (!(schema instanceof z.ZodType) || seen.has(schema)) return found;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown>;
  if (schema instanceof z.ZodLazy) return unionsWithLazyOptions(schema.unwrap(), path, seen, found);
  if (schema instanceof z.ZodUnion) {
    schema.options.forEach((option, i) => {
      if (option instanceof z.ZodLazy) found.push(`${path} (option ${i})`);
    });
  }
  for (const [key, value] of Object.entries(def)) {
    if (key === 'shape' && typeof value === 'object' && value !== null) {
      for (const [field, child] of Object.entries(value)) unionsWithLazyOptions(child, `${path}.${field}`, seen, found);
    } else if (Array.isArray(value)) {
      value.forEach((child, i) => {
        unionsWithLazyOptions(child, `${path}[${i}]`, seen, found);
      });
    } else unionsWithLazyOptions(value, path, seen, found);
  }
  return found;
}

describe('lazily', () => {
  it('builds the schema once, on first use, and unwrap() gives that one schema', () => {
    let builds = 0;
    const schema = lazily(() => {
      builds += 1;
      return z.object({ amount: z.int().min(1) });
    });
    expect(builds).toBe(0);
    expect(schema.safeParse({ amount: 0 }).error?.issues).toEqual(
      z.object({ amount: z.int().min(1) }).safeParse({ amount: 0 }).error?.issues,
    );
    expect(schema.unwrap()).toBe(schema.unwrap());
    expect(schema.optional().describe('x').parse(undefined)).toBeUndefined();
    expect(builds).toBe(1);
  });

  it('builds the lazily schemas inside it on first use, so that zod never parses it with its cycle check', () => {
    const inner = lazily(() => z.object({ reference: z.string() }));
    const outer = lazily(() => z.object({ amount: z.int(), lines: z.array(inner).optional() }));
    // What zod's cycle check reads: the inner schema it resolved, kept on the definition.
    const built = (schema: z.ZodLazy) => '_cachedInner' in schema._zod.def;
    expect(built(inner)).toBe(false);
    // No request has sent `lines`: the schema of its items is built all the same.
    expect(outer.safeParse({ amount: 1 }).success).toBe(true);
    expect(built(inner)).toBe(true);
    expect(z.core.isRecursiveSchema(outer.unwrap())).toBe(false);
  });

  it('leaves every schema of contracts/ unbuilt when the module loads (a fresh process)', async () => {
    const script = `
      const contracts = await import('./contracts/index.ts');
      const { z } = await import('zod');
      const lazy = Object.values(contracts).filter((value) => value instanceof z.ZodLazy);
      const built = lazy.filter((schema) => '_cachedInner' in schema._zod.def);
      process.stdout.write(JSON.stringify({ lazy: lazy.length, built: built.length }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: ROOT,
      },
    );
    const { lazy, built } = JSON.parse(stdout) as { lazy: number; built: number };
    expect(lazy).toBeGreaterThan(50);
    expect(built).toBe(0);
  });

  it('is never an option of a union: fastify-type-provider-zod would leave it out of the OpenAPI document', () => {
    const seen = new Set<unknown>();
    const found = Object.entries(contracts).flatMap(([name, value]) => unionsWithLazyOptions(value, name, seen, []));
    expect(seen.size).toBeGreaterThan(500);
    expect(found).toEqual([]);
  });
});
