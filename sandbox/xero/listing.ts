/**
 * One list engine for every paged Xero collection: `If-Modified-Since`, `where`, `order`, the
 * entity's own filters, then `page`/`pageSize`. The filtered, ordered result is cached per query
 * and table version, so paging through 100,000 records filters them once, not once per page.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#paging
 * https://developer.xero.com/documentation/api/accounting/invoices#get-invoices
 */
import { randomUUID } from 'node:crypto';
import { msDate, parseMsDate } from './format.ts';
import type { Row, Table } from './table.ts';
import { compileWhere, QueryError, type Predicate } from './where.ts';

// https://developer.xero.com/documentation/api/accounting/invoices#optimised-use-of-the-where-filter
// 100 a page unless `pageSize` says otherwise; Xero allows up to 1000.
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export class ListInputError extends Error {
  constructor(
    message: string,
    readonly kind: 'validation' | 'query',
  ) {
    super(message);
  }
}

export interface ListSpec<T> {
  table: Table<T>;
  /** The collection's key in the response, e.g. "Invoices". */
  key: string;
  /** The type name Xero's parser errors mention, e.g. "Invoice". */
  typeName: string;
  fields: ReadonlySet<string>;
  idField: string;
  /** Entity-specific filters from the query (Statuses, IDs…), or null for none. */
  filter?: (query: Record<string, string | undefined>) => Predicate | null;
  /** What a record looks like in a list without `page` (Xero drops line items there). */
  unpaged?: (json: T) => unknown;
}

interface CacheEntry<T> {
  version: number;
  rows: Row<T>[];
}

export interface ListRequest {
  query: Record<string, string | undefined>;
  ifModifiedSince: string | undefined;
  now: number;
}

export class Lister<T extends object> {
  private readonly cache = new Map<string, CacheEntry<T>>();

  constructor(private readonly spec: ListSpec<T>) {}

  list(req: ListRequest): Record<string, unknown> {
    const { query } = req;
    const page = positiveInt(query.page, 'page');
    const pageSize = positiveInt(query.pageSize, 'pageSize');
    if (pageSize !== null && pageSize > MAX_PAGE_SIZE) {
      throw new ListInputError(`pageSize must be between 1 and ${MAX_PAGE_SIZE}`, 'validation');
    }
    const since = parseSince(req.ifModifiedSince);
    const rows = this.rows(query, since);
    const envelope: Record<string, unknown> = {
      Id: randomUUID(),
      Status: 'OK',
      ProviderName: 'Relance Sandbox',
      DateTimeUTC: msDate(req.now),
    };
    if (page === null) {
      const { unpaged } = this.spec;
      envelope[this.spec.key] = rows.map((r) => (unpaged ? unpaged(r.json) : r.json));
      return envelope;
    }
    const size = pageSize ?? DEFAULT_PAGE_SIZE;
    // Since 2024 Xero returns paging metadata beside the records of a paged list.
    envelope.pagination = { page, pageSize: size, pageCount: Math.ceil(rows.length / size), itemCount: rows.length };
    envelope[this.spec.key] = rows.slice((page - 1) * size, page * size).map((r) => r.json);
    return envelope;
  }

  private rows(query: Record<string, string | undefined>, since: number | null): Row<T>[] {
    const key = JSON.stringify([since, query.where ?? null, query.order ?? null, this.filterKey(query)]);
    const cached = this.cache.get(key);
    if (cached && cached.version === this.spec.table.version) return cached.rows;
    const predicates: Predicate[] = [];
    if (query.where) predicates.push(this.compile(query.where));
    const extra = this.spec.filter?.(query);
    if (extra) predicates.push(extra);
    const sorter = query.order ? this.sorter(query.order) : null;
    let rows = this.spec.table.since(since);
    if (predicates.length) rows = rows.filter((r) => predicates.every((p) => p(r.json)));
    else if (sorter) rows = [...rows];
    if (sorter) rows.sort(sorter);
    if (this.cache.size >= 32) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { version: this.spec.table.version, rows });
    return rows;
  }

  private filterKey(query: Record<string, string | undefined>): string {
    return ['Statuses', 'IDs', 'ContactIDs', 'InvoiceNumbers'].map((k) => query[k] ?? '').join('|');
  }

  private compile(where: string): Predicate {
    try {
      return compileWhere(where, this.spec.fields, this.spec.typeName);
    } catch (e) {
      if (e instanceof QueryError) throw new ListInputError(e.message, 'query');
      throw e;
    }
  }

  /** `order=Date DESC,InvoiceNumber`: ties fall back to the record id so pages never overlap. */
  private sorter(order: string): (a: Row<T>, b: Row<T>) => number {
    const keys = order.split(',').map((part) => {
      const [field = '', dir = 'ASC', ...rest] = part.trim().split(/\s+/);
      if (!this.spec.fields.has(field) || rest.length || !/^(ASC|DESC)$/i.test(dir)) {
        throw new ListInputError(`No property or field '${field}' exists in type '${this.spec.typeName}'`, 'query');
      }
      return { field, sign: dir.toUpperCase() === 'DESC' ? -1 : 1 };
    });
    return (a, b) => {
      for (const { field, sign } of keys) {
        const c = compareValues((a.json as Record<string, unknown>)[field], (b.json as Record<string, unknown>)[field]);
        if (c !== 0) return c * sign;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    };
  }
}

function sortable(v: unknown): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseMsDate(v) ?? v.toLowerCase();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return '';
}

function compareValues(a: unknown, b: unknown): number {
  const x = sortable(a);
  const y = sortable(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function positiveInt(value: string | undefined, name: string): number | null {
  if (value === undefined || value === '') return null;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new ListInputError(`${name} must be a positive integer`, 'validation');
  return Number(value);
}

/**
 * `If-Modified-Since` as Xero reads it: an ISO timestamp (the SDK sends `toISOString()`; one without
 * a zone is UTC) or an HTTP date.
 */
export function parseSince(value: string | undefined): number | null {
  if (!value) return null;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ListInputError(`If-Modified-Since is not a valid date: ${value}`, 'validation');
  return ms;
}

/** A filter on a comma-separated query list (Statuses=AUTHORISED,PAID) against one field. */
export function listFilter(raw: string | undefined, field: string, allowed?: readonly string[]): Predicate | null {
  if (!raw) return null;
  const wanted = new Set(raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean));
  if (allowed) {
    for (const w of wanted) if (!allowed.includes(w)) throw new ListInputError(`'${w}' is not a valid value for ${field}`, 'validation');
  }
  return (rec) => {
    const v = (rec as Record<string, unknown>)[field];
    return typeof v === 'string' && wanted.has(v.toUpperCase());
  };
}
