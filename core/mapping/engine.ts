/**
 * The mapping engine: raw provider records in, canonical records (FORMATS.md) out. A record the
 * mapping cannot read is rejected with a reason naming the record and the field; the rest still map.
 */
import { InvalidInput } from '../errors.ts';
import { isCurrency } from '../money.ts';
import type { CanonicalRecord, CanonicalValue, EntityName, FieldKind } from './canonical.ts';
import { CANONICAL_FIELDS, ROLES, STATUSES } from './canonical.ts';
import { derive } from './derivations.ts';
import type { ParsedPath, Scope } from './path.ts';
import { parsePath, resolveAll, resolveFirst } from './path.ts';
import { applyOverride, loadDefaultMapping } from './registry.ts';
import type { FieldSpec, Mapping, MappingOverride } from './schema.ts';
import { FieldProblem, applyTransform, toBoolean, toDate, toInstant, toMoney, toText } from './transforms.ts';
import { toCountryCode, toLanguageCode } from './countries.ts';
import type { CanonicalAddress } from './canonical.ts';
import type { AddressSource } from './schema.ts';

export interface MappingContext {
  /** The company's home currency: QuickBooks omits `CurrencyRef` in a single-currency company. */
  homeCurrency?: string | null;
}

export interface MapOptions {
  /** Per-connection override merged over the default mapping (already parsed with parseOverride). */
  overrides?: MappingOverride | null;
  /** Names the override in error messages (a file name, "connection 12"). */
  overridesSource?: string;
  context?: MappingContext;
}

export interface Rejection {
  /** Position of the raw record in the input, from 0. */
  index: number;
  externalId: string | null;
  field: string;
  reason: string;
  /** One line: `invoice 1877: dueDate: missing (DueDate)`. */
  message: string;
}

export interface MapResult {
  records: CanonicalRecord[];
  rejected: Rejection[];
  /** Values kept as the provider wrote them rather than refused: `customer 58: country: "Narnia" is no ISO 3166 country`. */
  warnings: string[];
}

/** The default mapping of a provider's entity with an override merged over it, validated. */
export function compileMapping(provider: string, name: string, options: MapOptions = {}): Mapping {
  const base = loadDefaultMapping(provider, name);
  if (!options.overrides) return base;
  return applyOverride(base, options.overrides, options.overridesSource ?? 'overrides');
}

/** Maps raw records with the default mapping of `provider`/`entity` and the connection's overrides. */
export function mapRecords(provider: string, entity: string, raws: readonly unknown[], options: MapOptions = {}): MapResult {
  return mapWith(compileMapping(provider, entity, options), raws, options.context ?? {});
}

/** Maps raw records with a mapping already compiled. */
export function mapWith(mapping: Mapping, raws: readonly unknown[], context: MappingContext): MapResult {
  const home = context.homeCurrency ?? null;
  if (home !== null && !isCurrency(home)) {
    throw new InvalidInput(`homeCurrency: unknown currency "${home}"`, { field: 'homeCurrency' });
  }
  const result: MapResult = { records: [], rejected: [], warnings: [] };
  raws.forEach((raw, index) => {
    for (const outcome of mapRaw(mapping, raw, home)) {
      if ('problem' in outcome) result.rejected.push(rejection(mapping.entity, index, outcome));
      else {
        result.records.push(outcome.record);
        result.warnings.push(...unresolvedCountries(outcome.record));
      }
    }
  });
  return result;
}

type Outcome = { record: CanonicalRecord } | { problem: string; field: string; externalId: string | null };

function mapRaw(mapping: Mapping, raw: unknown, home: string | null): Outcome[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ problem: 'is not a JSON object', field: '(record)', externalId: null }];
  }
  const rootScope: Scope = { item: raw, root: raw, index: null };
  if (mapping.accept) {
    const value = resolveFirst(rootScope, compiled(mapping.accept.path));
    if (value === null || !mapping.accept.equals.includes(toText(value))) {
      const externalId = mapping.each ? null : peekId(mapping, rootScope);
      const seen = value === null ? 'absent' : `"${toText(value)}"`;
      const reason = `${seen}, expected ${mapping.accept.equals.join(' or ')}`;
      return [{ problem: reason, field: mapping.accept.path, externalId }];
    }
  }
  const scopes: Scope[] = mapping.each
    ? resolveAll(rootScope, compiled(mapping.each)).map((item, index) => ({ item, root: raw, index }))
    : [rootScope];
  return scopes
    .filter((scope) => !mapping.when || mapping.when.anyOf.some((p) => resolveFirst(scope, compiled(p)) !== null))
    .map((scope) => mapScope(mapping, scope, raw as Record<string, unknown>, home));
}

/** What one record's fields are mapped in. */
interface FieldEnv {
  mapping: Mapping;
  scope: Scope;
  raw: Record<string, unknown>;
  home: string | null;
  tombstone: boolean;
  currency: string | null;
  /** Fields mapped so far. */
  values: Record<string, unknown>;
}

function mapScope(mapping: Mapping, scope: Scope, raw: Record<string, unknown>, home: string | null): Outcome {
  const tombstone = mapping.tombstone !== undefined && matches(scope, mapping.tombstone);
  const kinds = CANONICAL_FIELDS[mapping.entity];
  const env: FieldEnv = { mapping, scope, raw, home, tombstone, currency: null, values: {} };
  const values = env.values;
  let field = 'externalId';
  try {
    values['externalId'] = mapField(env, 'externalId');
    if (values['externalId'] === null) throw new FieldProblem(`missing (${sourceText(mapping.fields['externalId']!)})`);
    if ('currency' in kinds) {
      field = 'currency';
      env.currency = mapField(env, 'currency') as string | null;
      values['currency'] = env.currency;
    }
    const names = Object.keys(kinds).filter((n) => !(n in values));
    // Fields computed from other fields (a status from the balance) come last.
    const ordered = [...names.filter((n) => !mapping.fields[n]!.derive), ...names.filter((n) => mapping.fields[n]!.derive)];
    for (const name of ordered) {
      field = name;
      values[name] = mapField(env, name);
    }
  } catch (e) {
    if (!(e instanceof FieldProblem)) throw e;
    const externalId = typeof values['externalId'] === 'string' ? values['externalId'] : peekId(mapping, scope);
    return { problem: e.message, field, externalId };
  }
  const record = { entity: mapping.entity } as CanonicalRecord;
  for (const name of Object.keys(kinds)) record[name] = values[name] as CanonicalValue;
  return { record };
}

function mapField(env: FieldEnv, name: string): unknown {
  const { mapping, scope, tombstone, currency } = env;
  const spec = mapping.fields[name]!;
  const kind = CANONICAL_FIELDS[mapping.entity][name]!;
  if (tombstone && kind === 'allocations') return [];
  if (tombstone && name === 'active') return false;
  const source = readSource(spec, scope);
  let value = source === null ? null : spec.transform ? applyTransform(source, spec.transform) : source;
  if (value === null) value = spec.default ?? (spec.defaultFrom === 'homeCurrency' ? env.home : null);
  if (spec.derive) value = derive(spec.derive, { raw: env.raw, value, record: env.values, currency, tombstone });
  if (value === null) {
    if (spec.required && !tombstone) throw new FieldProblem(`missing (${sourceText(spec)})`);
    if (kind === 'currency' && !tombstone && needsCurrency(mapping, scope)) {
      throw new FieldProblem(`missing (${sourceText(spec)}) and no home currency given`);
    }
    return null;
  }
  return normalize(kind, value, currency);
}

/** The value a field's source reads, before its transform; null when absent. */
function readSource(spec: FieldSpec, scope: Scope): unknown {
  if (spec.constant !== undefined) return spec.constant;
  if (spec.path !== undefined) return resolveFirst(scope, compiled(spec.path));
  if (spec.firstOf) {
    for (const p of spec.firstOf) {
      const v = resolveFirst(scope, compiled(p));
      if (v !== null) return v;
    }
    return null;
  }
  if (spec.address) {
    for (const alternative of spec.address) {
      const address = readAddress(alternative, scope);
      if (address !== null) return address;
    }
    return null;
  }
  if (spec.join) {
    const parts = spec.join.map((p) => resolveFirst(scope, compiled(p))).filter((v) => v !== null).map(toText);
    const text = parts.filter((t) => t !== '').join(spec.separator ?? ' ');
    return text === '' ? null : text;
  }
  return null;
}

/** Brings a value to its canonical kind, whatever transform the mapping named (or none). */
function normalize(kind: FieldKind, value: unknown, currency: string | null): unknown {
  switch (kind) {
    case 'id':
    case 'string': {
      const text = toText(value);
      return text === '' ? null : text;
    }
    case 'money':
      if (currency === null) throw new FieldProblem('needs a currency, which is absent');
      return toMoney(value, currency);
    case 'date':
      return toDate(value);
    case 'instant':
      return toInstant(value);
    case 'boolean':
      return toBoolean(value);
    case 'currency': {
      const code = toText(value);
      if (!isCurrency(code)) throw new FieldProblem(`unknown currency "${code}"`);
      return code;
    }
    case 'status':
      return oneOf(value, STATUSES);
    case 'role':
      return oneOf(value, ROLES);
    case 'allocations':
      if (!Array.isArray(value)) throw new FieldProblem('allocations come from a derivation');
      return value;
    case 'country': {
      // Kept raw (countryRaw) and null here when it names no country: a customer is never refused for it.
      return toCountryCode(toText(value));
    }
    case 'language':
      return toLanguageCode(toText(value));
    case 'address':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FieldProblem('an address comes from an address source');
      return value;
  }
}

/** One address alternative read from the record: null when none of its parts has a value. */
function readAddress(source: AddressSource, scope: Scope): CanonicalAddress | null {
  const part = (path: string | undefined): string | null => {
    if (path === undefined) return null;
    const value = resolveFirst(scope, compiled(path));
    const text = value === null ? '' : toText(value);
    return text === '' ? null : text;
  };
  const lines = source.lines.map(part).filter((l): l is string => l !== null);
  const city = part(source.city);
  const postalCode = part(source.postalCode);
  const region = part(source.region);
  const countryRaw = part(source.country);
  if (lines.length === 0 && city === null && postalCode === null && countryRaw === null) return null;
  const address: CanonicalAddress = { lines };
  if (city !== null) address.city = city;
  if (postalCode !== null) address.postalCode = postalCode;
  if (region !== null) address.region = region;
  if (countryRaw !== null) {
    const country = toCountryCode(countryRaw);
    if (country !== null) address.country = country;
    address.countryRaw = countryRaw;
  }
  return address;
}

/** A country the record names that resolved to no ISO code: kept raw, and said once. */
function unresolvedCountries(record: CanonicalRecord): string[] {
  const raw = record['countryRaw'];
  if (typeof raw !== 'string' || record['country'] !== null) return [];
  return [`${record.entity} ${String(record['externalId'])}: country: "${raw}" is no ISO 3166 country; kept as written`];
}

function oneOf(value: unknown, allowed: readonly string[]): string {
  const text = toText(value);
  if (!allowed.includes(text)) throw new FieldProblem(`"${text}" is not one of ${allowed.join(', ')}`);
  return text;
}

/** A record with an amount to read cannot do without a currency. */
function needsCurrency(mapping: Mapping, scope: Scope): boolean {
  const kinds = CANONICAL_FIELDS[mapping.entity];
  return Object.entries(mapping.fields).some(
    ([name, spec]) => (kinds[name] === 'money' || kinds[name] === 'allocations') && (spec.derive || readSource(spec, scope) !== null),
  );
}

function matches(scope: Scope, condition: { path: string; equals: string[] }): boolean {
  const value = resolveFirst(scope, compiled(condition.path));
  return value !== null && condition.equals.includes(toText(value));
}

function peekId(mapping: Mapping, scope: Scope): string | null {
  try {
    const v = readSource(mapping.fields['externalId']!, scope);
    return v === null ? null : toText(v);
  } catch {
    return null; // only for naming a rejection: an unreadable id is reported as no id
  }
}

function sourceText(spec: FieldSpec): string {
  if (spec.path) return spec.path;
  if (spec.firstOf) return spec.firstOf.join(' | ');
  if (spec.join) return spec.join.join(' + ');
  if (spec.address) return 'address';
  return 'no source';
}

function rejection(entity: EntityName, index: number, o: { problem: string; field: string; externalId: string | null }): Rejection {
  const who = o.externalId === null ? `#${index + 1} (no id)` : o.externalId;
  return {
    index,
    externalId: o.externalId,
    field: o.field,
    reason: o.problem,
    message: `${entity} ${who}: ${o.field}: ${o.problem}`,
  };
}

const parsedPaths = new Map<string, ParsedPath>();
function compiled(text: string): ParsedPath {
  let parsed = parsedPaths.get(text);
  if (!parsed) {
    parsed = parsePath(text);
    parsedPaths.set(text, parsed);
  }
  return parsed;
}
