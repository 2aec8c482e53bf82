import type { ValidationError } from '../../../contracts/index.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../../contracts/json-depth.js';

/**
 * What the journal keeps of one request to a Klarna operation (authorize, payment requests, transactions, webhook
 * management); findings are derived from these when read.
 */
export interface JournalRecord {
  /**
   * Its place in the order of arrival, across accounts (Journal.arrival()); read from a shared journal, its place in
   * its account's journal, counted across instances.
   */
  seq: number;
  id: string;
  time: number;
  account: string;
  method: string;
  path: string;
  /** As received (Node never changes them after); credentials are redacted when the journal is read. */
  headers: Record<string, unknown>;
  /** The JSON text as received, kept up to 16 KB: one string instead of a tree of objects for the collector. */
  bodyText: string | undefined;
  bodyLength: number | undefined;
  status: number | undefined;
  fault: string | undefined;
  result: string | undefined;
  scenario: string | undefined;
  replayed: boolean;
  /** A refusal the client caused (not one a scenario staged). */
  clientError: { code: string; message: string; validationErrors: ValidationError[] | undefined } | undefined;
  unknownFields: string[];
  fingerprint: string | undefined;
  idempotencyKey: string | undefined;
  /** The request passed validation, so its recommended-data checks mean something. */
  valid: boolean;
  /** Amount of the payment request a final authorization refers to, when the simulator knows it. */
  stepUpAmount: number | undefined;
  /** Arrival to answer, ms (the journal fills it in when it records). */
  durationMs?: number;
}

const MAX_BODY_BYTES = 16 * 1024;

/** Bodies are kept whole up to 16 KB of JSON text as received, so a journal of large requests stays small. */
export function keptText(text: string | undefined): string | undefined {
  return text !== undefined && text.length <= MAX_BODY_BYTES ? text : undefined;
}

/**
 * The body as the journal shows it: parsed again, or a marker for one too large to keep. Text that is not JSON, or
 * nests deeper than any body is accepted (the findings would walk it), is shown as received.
 */
export function bodyOf(record: Pick<JournalRecord, 'bodyText' | 'bodyLength'>): unknown {
  if (record.bodyText !== undefined) {
    if (nestsDeeperThan(record.bodyText, MAX_JSON_DEPTH)) return record.bodyText;
    try {
      return JSON.parse(record.bodyText);
    } catch {
      return record.bodyText;
    }
  }
  return record.bodyLength === undefined ? undefined : { truncated: true, characters: record.bodyLength };
}

/**
 * A record is kept as one JSON array of these fields, in this order (no field names: a record is about 0.7 KB
 * instead of 1 KB); its account and seq are kept beside it, by the journal that keeps it.
 */
const FIELDS = [
  'id',
  'time',
  'method',
  'path',
  'headers',
  'bodyText',
  'bodyLength',
  'status',
  'fault',
  'result',
  'scenario',
  'replayed',
  'clientError',
  'unknownFields',
  'fingerprint',
  'idempotencyKey',
  'valid',
  'stepUpAmount',
  'durationMs',
] as const satisfies readonly (keyof JournalRecord)[];

/**
 * One kept record's bytes at most. A body is kept up to 16 KB of text and headers up to Klarna's 20 KB, so a
 * record over this drops its body (shown as truncated, as a body over 16 KB is) and then its headers.
 */
export const MAX_RECORD_BYTES = 32 * 1024;

/**
 * The record's fields in FIELDS order (an absent one is written `null`). Named reads into an array literal: a loop
 * over FIELDS read each field by a computed name (a megamorphic load apiece) into a holey array, which
 * JSON.stringify walks the slow way (docs/performance.md, "Journal records written from named reads").
 */
function fieldsOf(r: JournalRecord): unknown[] {
  return [
    r.id,
    r.time,
    r.method,
    r.path,
    r.headers,
    r.bodyText,
    r.bodyLength,
    r.status,
    r.fault,
    r.result,
    r.scenario,
    r.replayed,
    r.clientError,
    r.unknownFields,
    r.fingerprint,
    r.idempotencyKey,
    r.valid,
    r.stepUpAmount,
    r.durationMs,
  ];
}

/** The record as kept: its fields in FIELDS order, its body then its headers dropped past MAX_RECORD_BYTES. */
export function encodeRecord(record: JournalRecord): string {
  const text = JSON.stringify(fieldsOf(record));
  // A UTF-8 byte is at least a character and at most three: most records need no count of their bytes.
  if (text.length * 3 <= MAX_RECORD_BYTES || Buffer.byteLength(text) <= MAX_RECORD_BYTES) return text;
  const bodyless = { ...record, bodyText: undefined, bodyLength: record.bodyLength ?? record.bodyText?.length };
  const smaller = JSON.stringify(fieldsOf(bodyless));
  if (Buffer.byteLength(smaller) <= MAX_RECORD_BYTES) return smaller;
  return JSON.stringify(fieldsOf({ ...bodyless, headers: {} }));
}

const BODY = FIELDS.indexOf('bodyText');

/**
 * The record as the memory journal keeps it: a head, encodeRecord's array with `true` in the body's place, and the
 * body text as received after it, so that the body is copied but never escaped. A body that would make the record
 * over MAX_RECORD_BYTES is left out as encodeRecord leaves it out (the tail is then empty).
 */
export function encodeApart(record: JournalRecord): [head: string, tail: string] {
  const body = record.bodyText;
  if (body !== undefined) {
    const values = fieldsOf(record);
    values[BODY] = true;
    const head = JSON.stringify(values);
    const fits =
      (head.length + body.length) * 3 <= MAX_RECORD_BYTES ||
      Buffer.byteLength(head) + Buffer.byteLength(body) <= MAX_RECORD_BYTES;
    if (fits) return [head, body];
  }
  return [encodeRecord(record), ''];
}

/** A record kept by encodeApart: its head decoded, its body the tail. */
export function decodeApart(head: string, tail: string, seq: number, account: string): JournalRecord {
  const record = decodeRecord(head, seq, account);
  if ((record.bodyText as unknown) === true) record.bodyText = tail;
  return record;
}

/** A record kept by encodeRecord, with the seq and account kept beside it. */
export function decodeRecord(text: string, seq: number, account: string): JournalRecord {
  const values = JSON.parse(text) as unknown[];
  const record: Record<string, unknown> = { seq, account };
  FIELDS.forEach((field, index) => {
    const value = values[index];
    record[field] = value === null ? undefined : value;
  });
  record.headers ??= {};
  record.unknownFields ??= [];
  return record as unknown as JournalRecord;
}
