/**
 * CRM search: `filterGroups` (OR of groups, AND inside one), `sorts`, `query`, `limit` ≤ 200 and an
 * offset `after`, with HubSpot's cap of 10,000 results per query: asking for a page past it is a 400.
 * A group that bounds the last-modified date is answered from the update-time index, so incremental
 * syncs cost a binary search, not a scan.
 *
 * https://developers.hubspot.com/docs/api/crm/search
 */
import { z } from 'zod';
import { validationError } from './errors.ts';
import { parseHubspotDate } from './properties.ts';
import type { PropertyDefinition, PropertyRegistry } from './properties.ts';
import { compareIds } from './store.ts';
import type { CrmObject, ObjectStore } from './store.ts';

// https://developers.hubspot.com/docs/api/crm/search#limitations
export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_RESULT_CAP = 10_000;
const MAX_FILTER_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 6;
const MAX_FILTERS = 18;

const operators = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;

const filterSchema = z.object({
  propertyName: z.string(),
  operator: z.enum(operators),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  highValue: z.union([z.string(), z.number()]).optional(),
  values: z.array(z.union([z.string(), z.number()])).optional(),
});

// The SDK types `sorts` as strings; the API documents objects. Both are accepted, as HubSpot does.
const sortSchema = z.union([
  z.string(),
  z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
]);

export const searchRequestSchema = z.object({
  query: z.string().optional(),
  limit: z.number().int().min(0).optional(),
  after: z.union([z.string(), z.number()]).optional(),
  sorts: z.array(sortSchema).optional(),
  properties: z.array(z.string()).optional(),
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).optional(),
});

export type SearchRequest = z.infer<typeof searchRequestSchema>;
type Filter = z.infer<typeof filterSchema>;

export interface SearchPage {
  total: number;
  results: CrmObject[];
  nextAfter: string | null;
}

export function runSearch(
  store: ObjectStore,
  registry: PropertyRegistry,
  modifiedProp: string,
  req: SearchRequest,
): SearchPage {
  const limit = req.limit ?? 10;
  if (limit > SEARCH_MAX_LIMIT)
    throw validationError(`limit must be less than or equal to ${SEARCH_MAX_LIMIT}`);
  const offset = req.after === undefined || req.after === '' ? 0 : Number(req.after);
  if (!Number.isInteger(offset) || offset < 0)
    throw validationError(`after must be a non-negative integer, got ${String(req.after)}`);
  if (offset >= SEARCH_RESULT_CAP) {
    // What HubSpot answers when paging reaches its 10,000-result cap.
    throw validationError(`Cannot page past ${SEARCH_RESULT_CAP} results. Narrow the search with filters.`);
  }
  const groups = req.filterGroups ?? [];
  checkFilterCounts(groups);
  const compiled = groups.map((g) =>
    g.filters.map((f) => compileFilter(store.objectType, registry, f, modifiedProp)),
  );
  const sorts = (req.sorts ?? []).map(normalizeSort);
  for (const s of sorts) requireProperty(store.objectType, registry, s.propertyName);

  const candidates = narrowByModified(store, groups, modifiedProp);
  const query = req.query?.trim().toLowerCase();
  const matched = candidates.filter(
    (o) =>
      !o.archived &&
      (compiled.length === 0 || compiled.some((group) => group.every((test) => test(o)))) &&
      (!query || matchesQuery(o, query)),
  );
  const indexOrder =
    sorts.length === 1 && sorts[0]!.propertyName === modifiedProp && sorts[0]!.direction === 'ASCENDING';
  if (sorts.length && !(indexOrder && candidates !== store.all()))
    matched.sort(comparator(store.objectType, registry, sorts, modifiedProp));
  else if (!sorts.length && candidates !== store.all()) matched.sort((a, b) => compareIds(a.id, b.id));

  const end = offset + limit;
  return {
    total: matched.length,
    results: matched.slice(offset, end),
    nextAfter: end < matched.length ? String(end) : null,
  };
}

function checkFilterCounts(groups: { filters: Filter[] }[]): void {
  if (groups.length > MAX_FILTER_GROUPS)
    throw validationError(`Too many filter groups (${groups.length}); the maximum is ${MAX_FILTER_GROUPS}`);
  let total = 0;
  for (const g of groups) {
    if (g.filters.length > MAX_FILTERS_PER_GROUP)
      throw validationError(
        `Too many filters in a group (${g.filters.length}); the maximum is ${MAX_FILTERS_PER_GROUP}`,
      );
    total += g.filters.length;
  }
  if (total > MAX_FILTERS)
    throw validationError(`Too many filters (${total}); the maximum is ${MAX_FILTERS}`);
}

/** When there is one group bounding the modified date, only that slice of the index is read. */
function narrowByModified(
  store: ObjectStore,
  groups: { filters: Filter[] }[],
  modifiedProp: string,
): readonly CrmObject[] {
  if (groups.length !== 1) return store.all();
  let from = -Infinity;
  let to = Infinity;
  for (const f of groups[0]!.filters) {
    if (f.propertyName !== modifiedProp && f.propertyName !== 'hs_lastmodifieddate') continue;
    const v = f.value === undefined ? NaN : parseHubspotDate(String(f.value));
    if (f.operator === 'GTE' || f.operator === 'GT') from = Math.max(from, v);
    else if (f.operator === 'LTE' || f.operator === 'LT') to = Math.min(to, v);
    else if (f.operator === 'BETWEEN') {
      from = Math.max(from, v);
      to = Math.min(to, f.highValue === undefined ? NaN : parseHubspotDate(String(f.highValue)));
    }
  }
  if (from === -Infinity && to === Infinity) return store.all();
  if (Number.isNaN(from) || Number.isNaN(to)) return store.all(); // the filter itself reports the bad value
  return store.updatedBetween(from, to);
}

function requireProperty(objectType: string, registry: PropertyRegistry, name: string): PropertyDefinition {
  const def = registry.get(objectType, name);
  if (!def)
    throw validationError(
      `There was a problem with the request: Property "${name}" does not exist on ${objectType}`,
    );
  return def;
}

type Compare = (a: string, b: string) => number;

function valueComparer(def: PropertyDefinition): { parse: (v: string) => number | string; cmp: Compare } {
  if (def.type === 'number') return { parse: Number, cmp: (a, b) => Number(a) - Number(b) };
  if (def.type === 'datetime' || def.type === 'date') {
    return { parse: parseHubspotDate, cmp: (a, b) => parseHubspotDate(a) - parseHubspotDate(b) };
  }
  // String comparisons in search are case-insensitive.
  return { parse: (v) => v.toLowerCase(), cmp: (a, b) => a.toLowerCase().localeCompare(b.toLowerCase()) };
}

function compileFilter(
  objectType: string,
  registry: PropertyRegistry,
  f: Filter,
  modifiedProp: string,
): (o: CrmObject) => boolean {
  const def = requireProperty(objectType, registry, f.propertyName);
  const name = f.propertyName;
  const { parse } = valueComparer(def);
  // The modified date is kept as a number: incremental searches do not parse 100,000 dates a page.
  const isModified = name === modifiedProp || name === 'hs_lastmodifieddate';
  const one = (field: 'value' | 'highValue'): number | string => {
    const raw = f[field];
    if (raw === undefined) throw validationError(`${f.operator} on ${name} needs a ${field}`);
    const parsed = parse(String(raw));
    if (typeof parsed === 'number' && Number.isNaN(parsed))
      throw validationError(`${String(raw)} is not a valid ${def.type} for ${name}`);
    return parsed;
  };
  const get = (o: CrmObject): number | string | null => {
    if (isModified) return o.updatedMs;
    const v = o.properties[name];
    return v === null || v === undefined || v === '' ? null : parse(v);
  };
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return (o) => get(o) !== null;
    case 'NOT_HAS_PROPERTY':
      return (o) => get(o) === null;
    case 'IN':
    case 'NOT_IN': {
      if (!f.values?.length) throw validationError(`${f.operator} on ${name} needs values`);
      const set = new Set(f.values.map((v) => parse(String(v))));
      return f.operator === 'IN' ? (o) => set.has(get(o) as never) : (o) => !set.has(get(o) as never);
    }
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const token = String(one('value')).replace(/\*/g, '');
      const has = (o: CrmObject): boolean => String(get(o) ?? '').includes(token);
      return f.operator === 'CONTAINS_TOKEN' ? has : (o) => !has(o);
    }
    case 'BETWEEN': {
      const lo = one('value');
      const hi = one('highValue');
      return (o) => {
        const v = get(o);
        return v !== null && v >= lo && v <= hi;
      };
    }
    default: {
      const target = one('value');
      const ops = {
        EQ: (v: number | string) => v === target,
        NEQ: (v: number | string) => v !== target,
        LT: (v: number | string) => v < target,
        LTE: (v: number | string) => v <= target,
        GT: (v: number | string) => v > target,
        GTE: (v: number | string) => v >= target,
      };
      const test = ops[f.operator];
      // NEQ matches records without the property too, as HubSpot does.
      return f.operator === 'NEQ'
        ? (o) => {
            const v = get(o);
            return v === null || test(v);
          }
        : (o) => {
            const v = get(o);
            return v !== null && test(v);
          };
    }
  }
}

function normalizeSort(s: z.infer<typeof sortSchema>): {
  propertyName: string;
  direction: 'ASCENDING' | 'DESCENDING';
} {
  if (typeof s !== 'string') return s;
  return s.startsWith('-')
    ? { propertyName: s.slice(1), direction: 'DESCENDING' }
    : { propertyName: s, direction: 'ASCENDING' };
}

function comparator(
  objectType: string,
  registry: PropertyRegistry,
  sorts: { propertyName: string; direction: string }[],
  modifiedProp: string,
): (a: CrmObject, b: CrmObject) => number {
  const keys = sorts.map((s) => ({
    name: s.propertyName,
    sign: s.direction === 'DESCENDING' ? -1 : 1,
    cmp: valueComparer(registry.get(objectType, s.propertyName)!).cmp,
  }));
  return (a, b) => {
    for (const k of keys) {
      // The modified date is kept as a number too: no date parsing per comparison on big sorts.
      if (k.name === modifiedProp || k.name === 'hs_lastmodifieddate') {
        if (a.updatedMs !== b.updatedMs) return (a.updatedMs - b.updatedMs) * k.sign;
        continue;
      }
      const va = a.properties[k.name];
      const vb = b.properties[k.name];
      // Records without the value come last whatever the direction.
      if (va == null || vb == null) {
        if (va != vb) return va == null ? 1 : -1;
        continue;
      }
      const c = k.cmp(va, vb);
      if (c !== 0) return c * k.sign;
    }
    return compareIds(a.id, b.id);
  };
}

/** `query` searches the default text properties (name, domain, email, first and last name, phone). */
function matchesQuery(o: CrmObject, query: string): boolean {
  for (const p of ['name', 'domain', 'email', 'firstname', 'lastname', 'phone']) {
    if (o.properties[p]?.toLowerCase().includes(query)) return true;
  }
  return false;
}
