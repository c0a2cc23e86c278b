/**
 * Runs a parsed query over the company's tables. Incremental reads (`MetaData.LastUpdatedTime >
 * '…'`, ordered by it) start at a binary-searched position in the update-time index, and a page
 * stops as soon as it is full, so paging through 100,000+ records costs O(page) per call.
 */
import { MAX_QUERY_RESULTS, DEFAULT_QUERY_RESULTS } from './limits.ts';
import { queryValidationFault } from './fault-shapes.ts';
import { coerce, fieldOf, type Comparable, type FieldDef } from './query-fields.ts';
import type { Operator, ParsedQuery } from './query-language.ts';
import { entityNamed, type CompanyStore, type EntityName, type Row } from './store.ts';

interface Filter {
  field: FieldDef;
  op: Operator;
  values: Comparable[];
  like?: RegExp;
}

export type QueryResponse =
  | { totalCount: number }
  | ({ startPosition: number; maxResults: number } & { [entity: string]: Row['body'][] | number })
  | Record<string, never>;

function compile(entity: EntityName, q: ParsedQuery): Filter[] {
  const filters = q.where.map((c): Filter => {
    const field = fieldOf(entity, c.field);
    if (!field) throw queryValidationFault(`property '${c.field}' is not queryable`);
    const values = c.values.map((v) => {
      const out = coerce(field, v);
      if (out === null) throw queryValidationFault(`invalid value ${JSON.stringify(v)} for property '${field.name}'`);
      return out;
    });
    const filter: Filter = { field, op: c.op, values };
    if (c.op === 'LIKE') filter.like = likePattern(String(values[0]));
    return filter;
  });
  // QuickBooks leaves inactive (deleted) customers out unless the query asks about Active.
  if (entity === 'Customer' && !filters.some((f) => f.field.name === 'Active')) {
    filters.push({ field: fieldOf('Customer', 'Active')!, op: '=', values: [true] });
  }
  return filters;
}

function likePattern(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

function matches(row: Row, f: Filter): boolean {
  const v = f.field.get(row);
  if (v === undefined) return false;
  const x = f.values[0]!;
  switch (f.op) {
    case '=':
      return v === x;
    case '!=':
      return v !== x;
    case '<':
      return v < x;
    case '>':
      return v > x;
    case '<=':
      return v <= x;
    case '>=':
      return v >= x;
    case 'IN':
      return f.values.includes(v);
    case 'LIKE':
      return f.like!.test(String(v));
  }
}

/** Rows in the order the query asks for, starting where an update-time lower bound allows. */
function* candidates(store: CompanyStore, entity: EntityName, q: ParsedQuery, filters: Filter[]): Generator<Row> {
  const table = store.table(entity);
  const order = q.orderBy ? fieldOf(entity, q.orderBy.field) : null;
  if (q.orderBy && !order) throw queryValidationFault(`property '${q.orderBy.field}' is not queryable`);
  const desc = q.orderBy?.desc ?? false;
  const byUpdate = order?.name === 'MetaData.LastUpdatedTime';
  const bound = filters.find((f) => f.field.name === 'MetaData.LastUpdatedTime' && (f.op === '>' || f.op === '>='));
  if (byUpdate || (!order && bound)) {
    const rows = table.byUpdate;
    const from = bound ? table.firstUpdatedAfter(bound.values[0] as number, bound.op === '>=') : 0;
    if (desc) for (let i = rows.length - 1; i >= from; i--) yield rows[i]!;
    else for (let i = from; i < rows.length; i++) yield rows[i]!;
    return;
  }
  if (!order || order.name === 'Id') {
    const rows = table.inIdOrder;
    if (desc) for (let i = rows.length - 1; i >= 0; i--) yield rows[i]!;
    else yield* rows;
    return;
  }
  const sorted = table.inIdOrder.filter((r) => filters.every((f) => matches(r, f)));
  sorted.sort((a, b) => compareValues(order.get(a), order.get(b)) * (desc ? -1 : 1) || a.numId - b.numId);
  yield* sorted;
}

function compareValues(a: Comparable | undefined, b: Comparable | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** The `QueryResponse` object of a query's answer. */
export function runQuery(store: CompanyStore, q: ParsedQuery): QueryResponse {
  const entity = entityNamed(q.entity);
  if (!entity) throw queryValidationFault(`Entity '${q.entity}' is not supported or is not queryable`);
  const filters = compile(entity, q);
  if (q.maxResults !== null && (q.maxResults < 1 || q.maxResults > MAX_QUERY_RESULTS)) {
    throw queryValidationFault(`MAXRESULTS value ${q.maxResults} is out of range. Max allowed value is ${MAX_QUERY_RESULTS}`);
  }
  if (q.startPosition !== null && q.startPosition < 1) {
    throw queryValidationFault(`STARTPOSITION value ${q.startPosition} must be at least 1`);
  }
  if (q.count) {
    let n = 0;
    for (const row of candidates(store, entity, q, filters)) if (filters.every((f) => matches(row, f))) n++;
    return { totalCount: n };
  }
  const start = q.startPosition ?? 1;
  const max = q.maxResults ?? DEFAULT_QUERY_RESULTS;
  const page: Row['body'][] = [];
  let skipped = 0;
  for (const row of candidates(store, entity, q, filters)) {
    if (!filters.every((f) => matches(row, f))) continue;
    if (skipped < start - 1) {
      skipped++;
      continue;
    }
    page.push(row.body);
    if (page.length >= max) break;
  }
  // An empty answer is an empty QueryResponse, without the entity key or the paging fields.
  if (!page.length) return {};
  return { [entity]: page, startPosition: start, maxResults: page.length };
}
