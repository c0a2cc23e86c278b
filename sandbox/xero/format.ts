/**
 * How Xero prints values: .NET JSON dates with `DateString` twins, amounts as JSON numbers, GUIDs.
 * The sandbox keeps money as integer minor units and converts only here, through core/money.ts.
 */
import { createHash } from 'node:crypto';
import { formatMinor } from '../../core/money.ts';

// https://developer.xero.com/documentation/api/accounting/requests-and-responses#json-responses-and-date-formats
// Xero's JSON dates are Microsoft's "/Date(<ms since epoch>+0000)/".
export function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

/** `YYYY-MM-DD` as Xero prints a calendar date (midnight UTC). */
export function msDay(day: string): string {
  return msDate(Date.parse(`${day}T00:00:00Z`));
}

/** The `DateString` twin of a calendar date: `2026-02-14T00:00:00`. */
export function dayString(day: string): string {
  return `${day}T00:00:00`;
}

/** Milliseconds out of a "/Date(…)/" string; null when it is not one. */
export function parseMsDate(value: string): number | null {
  const m = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  return m ? Number(m[1]) : null;
}

/** Minor units to the JSON number Xero prints (exact decimal → nearest double, never float arithmetic). */
export function amount(minor: number, currency: string): number {
  return Number(formatMinor(BigInt(minor), currency));
}

/** A stable GUID for a world id, so that the same seed gives the same Xero ids on every run. */
export function guidFor(seed: number, kind: string, id: string): string {
  const hex = createHash('sha1').update(`${seed}:${kind}:${id}`).digest('hex');
  // Version-4 and RFC 4122 variant nibbles, so the ids look like the ones Xero issues.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A GUID for records the simulator creates at run time (payments, history, tokens' ids). */
export function counterGuid(kind: string, n: number): string {
  return guidFor(0x5eed, kind, String(n));
}

export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
