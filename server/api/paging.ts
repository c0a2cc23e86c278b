/**
 * Keyset paging for every list: `?limit` (1–200, 50 by default) and an opaque `cursor` naming the
 * last row seen. Keyset, not OFFSET: a page stays cheap deep in a list of 100,000 invoices and
 * rows inserted meanwhile do not shift it.
 */
import { z } from 'zod';
import { HttpError } from './http-errors.ts';

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A cursor is the sort key and id of the last row, base64url JSON. */
export function encodeCursor(key: string | null, id: string): string {
  return Buffer.from(JSON.stringify([key, id]), 'utf8').toString('base64url');
}

const cursorShape = z.tuple([z.string().nullable(), z.uuid()]);

export function decodeCursor(cursor: string | undefined): { key: string | null; id: string } | null {
  if (cursor === undefined) return null;
  try {
    const [key, id] = cursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { key, id };
  } catch {
    throw new HttpError(400, 'invalid', 'cursor: not a cursor this API gave', 'cursor');
  }
}

/** Rows were fetched with `limit + 1`: the extra row says whether a next page exists. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => [string | null, string], map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: more && last ? encodeCursor(...keyOf(last)) : null };
}
