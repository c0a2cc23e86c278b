/**
 * The value transforms a mapping names. Each takes a present (non-null) source value and returns the
 * canonical value, or throws a FieldProblem saying why the value cannot be read.
 */
import { formatMinor, toMinor } from '../money.ts';
import type { Transform } from './schema.ts';

/** A value the mapping cannot read; the engine turns it into a rejection naming the record and field. */
export class FieldProblem extends Error {}

type Scalar = string | number | boolean | null;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
// Xero's JSON dates: milliseconds since the epoch and the zone offset the date was entered in.
// https://developer.xero.com/documentation/api/accounting/requests-and-responses#json-responses-and-date-formats
const MS_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/** A calendar date `YYYY-MM-DD`: an ISO date, the date part of an ISO date-time as written, or a Xero date. */
export function toDate(value: unknown): string {
  if (typeof value === 'number') return fromEpoch(value, 0).slice(0, 10);
  if (typeof value !== 'string') throw new FieldProblem(`${describe(value)} is not a date`);
  const text = value.trim();
  const ms = MS_DATE.exec(text);
  if (ms) return fromEpoch(Number(ms[1]), offsetMinutes(ms[2])).slice(0, 10);
  const m = ISO_DATE.exec(text);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new FieldProblem(`"${text}" is not a date`);
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** An instant as ISO 8601 in UTC (`2026-01-12T17:14:02.000Z`), from ISO with a zone, a Xero date or epoch ms. */
export function toInstant(value: unknown, assumeUtc = false): string {
  if (typeof value === 'number') return fromEpoch(value, 0);
  if (typeof value !== 'string') throw new FieldProblem(`${describe(value)} is not an instant`);
  const text = value.trim();
  const ms = MS_DATE.exec(text);
  if (ms) return fromEpoch(Number(ms[1]), 0);
  const m = ISO_INSTANT.exec(text);
  const d = m ? ISO_DATE.exec(text) : null;
  if (!m || !d || !isCalendarDate(Number(d[1]), Number(d[2]), Number(d[3]))) {
    throw new FieldProblem(`"${text}" is not an ISO 8601 instant`);
  }
  if (!m[1] && !assumeUtc) throw new FieldProblem(`"${text}" has no time zone`);
  const parsed = new Date(m[1] ? text : `${text}Z`);
  if (Number.isNaN(parsed.getTime())) throw new FieldProblem(`"${text}" is not an ISO 8601 instant`);
  return parsed.toISOString();
}

/** An amount as an exact decimal string in the currency's minor unit; JSON numbers never go through float math. */
export function toMoney(value: unknown, currency: string): string {
  if (typeof value !== 'number' && typeof value !== 'string') throw new FieldProblem(`${describe(value)} is not an amount`);
  try {
    return formatMinor(toMinor(value, currency), currency);
  } catch (e) {
    const detail = (e as Error).message.replace(/^amount: /, '');
    throw new FieldProblem(detail.startsWith('"') ? detail : `"${String(value)}": ${detail}`);
  }
}

export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
  }
  throw new FieldProblem(`${describe(value)} is not a boolean`);
}

/** Text; numbers and booleans as written; objects and arrays refused (a path that stops too early). */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new FieldProblem(`${describe(value)} is not text`);
}

export function applyEnum(value: unknown, spec: Extract<Transform, { type: 'enum' }>): Scalar {
  const key = toText(value);
  if (Object.hasOwn(spec.map, key)) return spec.map[key]!;
  if (spec.match === 'prefix') {
    for (const [prefix, out] of Object.entries(spec.map)) if (key.startsWith(prefix)) return out;
  }
  if (spec.fallback !== undefined) return spec.fallback;
  throw new FieldProblem(`"${key}" is not one of ${Object.keys(spec.map).join(', ')}`);
}

/** Applies a named transform other than money (which needs the record's currency). */
export function applyTransform(value: unknown, transform: Transform): unknown {
  if (typeof transform === 'object') {
    return transform.type === 'enum' ? applyEnum(value, transform) : toInstant(value, transform.assumeUtc);
  }
  switch (transform) {
    case 'date':
      return toDate(value);
    case 'instant':
      return toInstant(value);
    case 'boolean':
      return toBoolean(value);
    case 'string':
      return toText(value);
    case 'money':
      return value; // applied with the currency by the engine, after the currency is known
  }
}

function fromEpoch(ms: number, offset: number): string {
  const d = new Date(ms + offset * 60_000);
  if (!Number.isFinite(ms) || Number.isNaN(d.getTime())) throw new FieldProblem(`${ms} is not a timestamp`);
  return d.toISOString();
}

function offsetMinutes(text: string | undefined): number {
  if (!text) return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  return sign * (Number(text.slice(1, 3)) * 60 + Number(text.slice(3, 5)));
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
