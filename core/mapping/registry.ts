/**
 * The default mappings shipped in `mappings/`, listed explicitly (no discovery), and the merge of a
 * per-connection override over them. A mapping's name is its file name: usually the canonical entity
 * it produces, or the provider's own kind when several feed one entity (Xero `overpayment` → payment).
 */
import { readFileSync } from 'node:fs';
import { InvalidInput } from '../errors.ts';
import type { FieldSpec, Mapping, MappingOverride, ProviderName } from './schema.ts';
import { PROVIDERS, SOURCE_KEYS, parseMapping } from './schema.ts';

const DEFAULTS: Record<ProviderName, Record<string, string>> = {
  quickbooks: {
    customer: 'customer.json',
    contact: 'contact.json',
    invoice: 'invoice.json',
    payment: 'payment.json',
    creditNote: 'credit-note.json',
  },
  xero: {
    customer: 'customer.json',
    contact: 'contact.json',
    invoice: 'invoice.json',
    payment: 'payment.json',
    overpayment: 'overpayment.json',
    prepayment: 'prepayment.json',
    creditNote: 'credit-note.json',
  },
  hubspot: {
    company: 'company.json',
    contact: 'contact.json',
  },
};

const MAPPINGS_DIR = new URL('../../mappings/', import.meta.url);
const cache = new Map<string, Mapping>();

export function isProvider(name: string): name is ProviderName {
  return (PROVIDERS as readonly string[]).includes(name);
}

/** The mapping names a provider has (`creditNote`, `overpayment`, …). */
export function mappingNames(provider: ProviderName): string[] {
  return Object.keys(DEFAULTS[provider]);
}

/** Checks a provider and a mapping name (camelCase or kebab-case) and returns the canonical spelling. */
export function resolveMappingName(provider: string, name: string): { provider: ProviderName; name: string } {
  if (!isProvider(provider)) {
    throw new InvalidInput(`unknown provider "${provider}" (one of ${PROVIDERS.join(', ')})`, { field: 'provider' });
  }
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  if (!Object.hasOwn(DEFAULTS[provider], camel)) {
    throw new InvalidInput(
      `unknown entity "${name}" for ${provider} (one of ${mappingNames(provider).join(', ')})`,
      { field: 'entity' },
    );
  }
  return { provider, name: camel };
}

/** The default mapping, read and validated once; an error names the file and the field. */
export function loadDefaultMapping(provider: string, name: string): Mapping {
  const resolved = resolveMappingName(provider, name);
  const file = `${resolved.provider}/${DEFAULTS[resolved.provider][resolved.name]}`;
  const cached = cache.get(file);
  if (cached) return cached;
  const source = `mappings/${file}`;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(new URL(file, MAPPINGS_DIR), 'utf8'));
  } catch (e) {
    throw new InvalidInput(`${source}: ${(e as Error).message}`, { field: source });
  }
  const mapping = parseMapping(json, source);
  if (mapping.provider !== resolved.provider) {
    throw new InvalidInput(`${source}: provider: "${mapping.provider}" in a ${resolved.provider} file`, { field: 'provider' });
  }
  cache.set(file, mapping);
  return mapping;
}

/**
 * Merges an override over a mapping, field by field, and validates the result. Within a field an
 * override that gives a source (path, firstOf, join, constant) replaces the default's source; its
 * other keys (transform, default, required…) replace the default's one by one.
 */
export function applyOverride(base: Mapping, override: MappingOverride, source: string): Mapping {
  for (const key of ['provider', 'entity'] as const) {
    const value = override[key];
    if (value !== undefined && value !== base[key]) {
      throw new InvalidInput(`${source}: ${key}: "${value}" does not match the mapping's "${base[key]}"`, { field: key });
    }
  }
  const fields: Record<string, FieldSpec> = { ...base.fields };
  for (const [name, spec] of Object.entries(override.fields)) {
    const previous = fields[name] ?? {};
    const givesSource = SOURCE_KEYS.some((k) => spec[k] !== undefined);
    const kept = givesSource ? withoutSource(previous) : previous;
    fields[name] = { ...kept, ...spec } as FieldSpec;
  }
  return parseMapping({ ...base, version: override.version ?? base.version, fields }, source);
}

function withoutSource(spec: FieldSpec): FieldSpec {
  const copy: FieldSpec = { ...spec };
  for (const k of SOURCE_KEYS) delete copy[k];
  delete copy.separator;
  return copy;
}
