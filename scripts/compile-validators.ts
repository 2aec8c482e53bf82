// npm run validators:generate: writes contracts/generated/authorize-checks.ts, the authorize request's checks
// compiled ahead of time from the zod contracts' JSON Schema by ajv's standalone code generation
// (docs/performance.md#compiled-checks). zod stays the single source and the only producer of error messages: a value
// a compiled check refuses takes zod's path. test/unit/authorize/compiled-checks.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _, Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { z } from 'zod';
import {
  AuthorizeHeaders,
  AuthorizeParams,
  AuthorizeRequest,
  AuthorizeResponse,
  KlarnaError,
  PartnerAccountKrn,
} from '../contracts/index.js';

export const COMPILE_COMMAND = 'npm run validators:generate';
export const CHECKS_FILE = join(import.meta.dirname, '..', 'contracts', 'generated', 'authorize-checks.ts');

type JsonSchema = Record<string, unknown>;

/**
 * Formats as zod checks them (z.iso.date and z.iso.datetime are their `pattern`, which the JSON Schema carries), for
 * strings zod's parse returns unchanged: zod trims a URL and deletes its tabs and line breaks, so such a value fails
 * here and takes zod's path. `http-url` is z.url({ protocol: /^https?$/ }), with zod's `://` guard.
 */
const FORMATS = `const asSent = (s) => s === s.trim() && !/[\\t\\n\\r]/.test(s);
const canParse = (s) => URL.canParse(s);
const formats = {
  uri: (s) => asSent(s) && canParse(s),
  'http-url': (s) => asSent(s) && /^https?:\\/\\//i.test(s) && canParse(s),
};`;
const zodFormats = new Function(`${FORMATS}\nreturn formats;`)() as Record<string, (value: string) => boolean>;

/**
 * The JSON Schema of a contract, with the formats zod checks differently from JSON Schema's named as above, and
 * without descriptions (ajv's code would carry them).
 */
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
    override: (ctx) => {
      const def = ctx.zodSchema._zod.def as { type: string; format?: string; protocol?: RegExp };
      if (def.type !== 'string' || def.format !== 'url') return;
      if ('hostname' in def || 'normalize' in def)
        throw new Error('compile-validators: z.url options other than protocol');
      if (def.protocol === undefined) return;
      if (def.protocol.source !== '^https?$') throw new Error(`compile-validators: z.url protocol ${def.protocol}`);
      ctx.jsonSchema.format = 'http-url';
    },
  });
  return JSON.parse(JSON.stringify(json, (key, value) => (key === 'description' ? undefined : value)));
}

/** Every object refuses keys it does not declare: a body with unknown fields takes zod's path, which warns of them. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) out[key] = closed(value);
  if (out.type === 'object') {
    if (out.properties === undefined || Object.keys(out.properties as object).length === 0) {
      throw new Error('compile-validators: a free-form object (unknownFields knows all its keys) is not supported');
    }
    out.additionalProperties = false;
  }
  return out;
}

type ClosedObject = JsonSchema & { properties: Record<string, unknown>; required?: string[] };

/**
 * The source of the closed body check, made of one compiled check per top-level field (ajv's `field<n>`), so that a
 * refused body's fields can be told apart: the body is an object, has its required fields, no other keys, and each
 * field passes its own check. (Ajv's one check of the whole body gives the same verdict.)
 */
function closedBodySource(body: ClosedObject): string {
  const source = JSON.stringify(body);
  if (source.includes('"$ref"') || source.includes('"patternProperties"')) {
    throw new Error('compile-validators: a body schema with references or pattern properties is not supported');
  }
  const fields = Object.keys(body.properties);
  const required = (body.required ?? []).map((key) => {
    if (!fields.includes(key)) throw new Error(`compile-validators: required ${key} is not a property`);
    return `  if (data[${JSON.stringify(key)}] === undefined) return false;`;
  });
  return `const closedFieldNames = [${fields.map((key) => JSON.stringify(key)).join(', ')}];
const closedFieldValidates = [${fields.map((_, n) => `field${n}Validate`).join(', ')}];
const closedFields = new Map(closedFieldNames.map((key, n) => [key, closedFieldValidates[n]]));
function closedBodyValidate(data) {
  if (!(data && typeof data === "object" && !Array.isArray(data))) return false;
${required.join('\n')}
  for (const key in data) if (!closedFields.has(key)) return false;
  // Each field read as zod reads it (a getter's or a hidden field's value too), not only those \`for in\` lists; by
  // its name, one read apiece (a loop over the names made every read a megamorphic keyed load).
  let value;
${fields.map((key, n) => `  value = data[${JSON.stringify(key)}];\n  if (value !== undefined && !field${n}Validate(value)) return false;`).join('\n')}
  return true;
}`;
}

/**
 * The source of a copy of a value that passed the closed check, field for field as zod's parse returns it: known keys
 * in the schema's order, new objects and arrays. Only what zod returns unchanged is supported; anything that
 * transforms, defaults or may hold an object inside a union stops the generator.
 */
function copySource(schema: z.ZodType): string {
  const functions: string[] = [];
  const named = new Map<z.ZodType, string>();

  const expression = (node: z.ZodType, value: string): string => {
    const def = node._zod.def as { type: string; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[] };
    switch (def.type) {
      case 'optional':
        return expression(def.innerType as z.ZodType, value);
      case 'lazy':
        // A schema of contracts/ built on first use (contracts/lazily.ts): the copy is its inner schema's.
        return expression((node as z.ZodLazy).unwrap() as z.ZodType, value);
      case 'string':
      case 'number':
      case 'boolean':
      case 'enum':
      case 'literal':
        return value;
      case 'union':
        for (const option of def.options ?? []) {
          if (expression(option, 'x') !== 'x')
            throw new Error('compile-validators: a union holding an object or array');
        }
        return value;
      case 'array':
        return `${value}.map((item) => ${expression(def.element as z.ZodType, 'item')})`;
      case 'object':
        return `${objectFunction(node as z.ZodObject)}(${value})`;
      default:
        throw new Error(`compile-validators: zod ${def.type} is not supported`);
    }
  };

  const objectFunction = (node: z.ZodObject): string => {
    const known = named.get(node);
    if (known !== undefined) return known;
    const name = `copy${named.size}`;
    named.set(node, name);
    const lines = Object.entries(node.shape as Record<string, z.ZodType>).map(([key, child]) => {
      const at = `v[${JSON.stringify(key)}]`;
      return `  if (${at} !== undefined) o[${JSON.stringify(key)}] = ${expression(child, at)};`;
    });
    functions.push(`function ${name}(v) {\n  const o = {};\n${lines.join('\n')}\n  return o;\n}`);
    return name;
  };

  let body = schema;
  while (body instanceof z.ZodLazy) body = body.unwrap() as z.ZodType;
  const root = objectFunction(body as z.ZodObject);
  return `${functions.join('\n')}\nconst copyRoot = ${root};`;
}

/** The text of contracts/generated/authorize-checks.ts. */
export function authorizeChecksSource(): string {
  // unicode: false counts code units, as zod does; unicodeRegExp: false runs zod's patterns without the u flag, as zod
  // does; strictNumbers refuses Infinity (JSON.parse makes it of 1e400) and NaN, as zod does. The compiled code calls
  // the formats FORMATS declares (date and date-time are their patterns).
  const ajv = new Ajv({
    strict: false,
    unicode: false,
    unicodeRegExp: false,
    strictNumbers: true,
    logger: false,
    messages: false,
    formats: { ...zodFormats, date: true, 'date-time': true },
    code: { source: true, esm: true, lines: true, formats: _`formats` },
  });
  ajv.addSchema(jsonSchemaOf(AuthorizeParams), 'params');
  ajv.addSchema(jsonSchemaOf(PartnerAccountKrn), 'partnerAccountKrn');
  ajv.addSchema(jsonSchemaOf(AuthorizeHeaders), 'headers');
  const body = closed(jsonSchemaOf(AuthorizeRequest)) as ClosedObject;
  const fields = Object.keys(body.properties);
  fields.forEach((key, n) => {
    ajv.addSchema(body.properties[key] as JsonSchema, `field${n}`);
  });
  ajv.addSchema(jsonSchemaOf(AuthorizeResponse), 'response');
  ajv.addSchema(jsonSchemaOf(KlarnaError), 'klarnaError');
  const names = {
    response: 'response',
    klarnaError: 'klarnaError',
    params: 'params',
    partnerAccountKrn: 'partnerAccountKrn',
    headers: 'headers',
    ...Object.fromEntries(fields.map((_, n) => [`field${n}`, `field${n}`])),
  };
  // Only the verdict is read: the error objects ajv builds on the way to `false` go (a third of the code), and with
  // them the arguments that locate an error.
  const code = standaloneCode
    .default(ajv, names)
    .replace(/^"use strict";\n/, '')
    .replace(/^export const (\w+) = (validate\d+);$/gm, 'const $1Validate = $2;')
    .replace(/^validate\d+\.errors = \[\{instancePath.*\}\];\n/gm, '')
    .replace(/^(const err\d+ = )\{instancePath.*\};$/gm, '$1null;')
    .replace(
      /^function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)\{$/gm,
      'function $1(data){',
    );
  if (/instancePath|parentData|rootData/.test(code))
    throw new Error('compile-validators: ajv locates errors unexpectedly');
  if (/\brequire\(|\bimport\b/.test(code))
    throw new Error('compile-validators: the compiled code needs ajv at run time');
  return `// @ts-nocheck
// Generated by ${COMPILE_COMMAND} (scripts/compile-validators.ts) from the zod contracts: edit them, not this file.
// ajv's standalone code; it needs nothing at run time.
import type { AuthorizeHeaders, AuthorizeParams, AuthorizeRequest } from '../authorize-request.js';

${FORMATS}
${code}
${closedBodySource(body)}
${copySource(AuthorizeRequest)}

/** AuthorizeParams.safeParse(value).success */
export const paramsCheck = paramsValidate as (value: unknown) => value is AuthorizeParams;
/** PartnerAccountKrn.safeParse(value).success */
export const partnerAccountKrnCheck = partnerAccountKrnValidate as (value: unknown) => value is string;
/** AuthorizeHeaders.safeParse(value).success */
export const headersCheck = headersValidate as (value: unknown) => value is AuthorizeHeaders;
/**
 * AuthorizeRequest.safeParse(value).success for a body without unknown fields (at any depth) whose URLs zod returns
 * as sent; false for any other.
 */
export const closedBodyCheck = closedBodyValidate as (value: unknown) => boolean;
/**
 * Each top-level field's own closed check, in the schema's order: AuthorizeRequest.shape[field].safeParse(value).success
 * for a value without unknown fields whose URLs zod returns as sent. closedBodyCheck is these and the body's keys.
 */
export const closedFieldChecks = closedFields as ReadonlyMap<string, (value: unknown) => boolean>;
/** What AuthorizeRequest.parse returns for a body closedBodyCheck passed: a copy, the schema's keys in its order. */
export const copyCheckedBody = copyRoot as (body: unknown) => AuthorizeRequest;
/**
 * AuthorizeResponse.safeParse(value).success for an answer whose URLs are as zod would return them; false for any
 * other (the caller then asks zod, which names what broke).
 */
export const responseCheck = responseValidate as (value: unknown) => boolean;
/** KlarnaError.safeParse(value).success: an error body is checked by it first; zod names what broke when it fails. */
export const klarnaErrorCheck = klarnaErrorValidate as (value: unknown) => boolean;
`;
}

// npm run validators:generate
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(CHECKS_FILE, authorizeChecksSource());
  console.log(`wrote ${CHECKS_FILE}`);
}
