/**
 * The schema of a mapping file (`mappings/<provider>/<name>.json`) and of a per-connection override.
 * Every load and every save goes through here; an error names the file and the field it is about.
 */
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import { CANONICAL_FIELDS, ENTITIES } from './canonical.ts';
import { parsePath } from './path.ts';

export const PROVIDERS = ['quickbooks', 'xero', 'hubspot'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The structural cases written in code (see derivations.ts), named from the data. */
export const DERIVATIONS = [
  'documentStatus',
  'quickbooksDocumentStatus',
  'quickbooksPaymentAllocations',
  'xeroPaymentAllocation',
  'xeroAllocations',
  'noAllocations',
  'languageFromCountry',
] as const;
export type DerivationName = (typeof DERIVATIONS)[number];

/** Values the engine understands on the context argument (`--home-currency` on the command line). */
export const CONTEXT_KEYS = ['homeCurrency'] as const;

const pathText = z.string().superRefine((text, ctx) => {
  try {
    parsePath(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const enumTransform = z.strictObject({
  type: z.literal('enum'),
  /** Source value (as text) → output value. */
  map: z.record(z.string(), scalar),
  /** `prefix`: a source value that starts with a key matches it (QuickBooks prepends "Voided" to notes). */
  match: z.enum(['exact', 'prefix']).optional(),
  /** The output when no key matches; without it an unmatched value is an error naming it. */
  fallback: scalar.optional(),
});

const instantTransform = z.strictObject({
  type: z.literal('instant'),
  /** Read an ISO date-time without a zone as UTC (some providers name their UTC fields so). */
  assumeUtc: z.boolean(),
});

export const transformSchema = z.union([
  z.enum(['date', 'instant', 'money', 'boolean', 'string']),
  enumTransform,
  instantTransform,
]);
export type Transform = z.infer<typeof transformSchema>;

export const SOURCE_KEYS = ['path', 'firstOf', 'join', 'constant', 'address'] as const;

/** One way a record may hold a postal address; a field lists them in order and the first with a value wins. */
const addressSource = z.strictObject({
  lines: z.array(pathText).min(1),
  city: pathText.optional(),
  postalCode: pathText.optional(),
  region: pathText.optional(),
  country: pathText.optional(),
});
export type AddressSource = z.infer<typeof addressSource>;

const fieldSpecBase = z.strictObject({
    path: pathText.optional(),
    firstOf: z.array(pathText).min(1).optional(),
    join: z.array(pathText).min(1).optional(),
    separator: z.string().optional(),
    constant: scalar.optional(),
    address: z.array(addressSource).min(1).optional(),
    transform: transformSchema.optional(),
    default: scalar.optional(),
    defaultFrom: z.enum(CONTEXT_KEYS).optional(),
    required: z.boolean().optional(),
    derive: z.enum(DERIVATIONS).optional(),
});

/** An override may name only what it changes (a transform, a default); the merged spec is checked whole. */
export const fieldSpecSchema = fieldSpecBase.superRefine((spec, ctx) => {
    const sources = SOURCE_KEYS.filter((k) => spec[k] !== undefined);
    if (sources.length > 1) {
      ctx.addIssue({ code: 'custom', message: `give one source, not ${sources.join(' and ')}` });
    }
    if (sources.length === 0 && spec.derive === undefined && spec.default === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs a source: path, firstOf, join, constant, address, derive or default' });
    }
    if (spec.separator !== undefined && spec.join === undefined) {
      ctx.addIssue({ code: 'custom', message: 'separator only goes with join' });
    }
  });
export type FieldSpec = z.infer<typeof fieldSpecSchema>;

const condition = z.strictObject({ path: pathText, equals: z.array(z.string()).min(1) });

export const mappingSchema = z
  .strictObject({
    $comment: z.string().optional(),
    version: z.number().int().positive(),
    provider: z.enum(PROVIDERS),
    /** The canonical entity this mapping produces. */
    entity: z.enum(ENTITIES),
    /** Where records sit in a provider response body, tried in order (e.g. `QueryResponse.Invoice`). */
    envelope: z.array(pathText).default([]),
    /** Make one canonical record per element of this array (Xero `ContactPersons[]`). */
    each: pathText.optional(),
    /** Records outside this condition are rejected as not this entity (Xero bills are ACCPAY). */
    accept: condition.optional(),
    /** Make a record only when one of these paths has a value (a billing contact needs an email or a phone). */
    when: z.strictObject({ anyOf: z.array(pathText).min(1) }).optional(),
    /** A deleted record (QuickBooks CDC `{"status":"Deleted"}`): void, required fields relaxed, no allocations. */
    tombstone: condition.optional(),
    fields: z.record(z.string(), fieldSpecSchema),
  })
  .superRefine((mapping, ctx) => {
    const canonical = CANONICAL_FIELDS[mapping.entity];
    for (const name of Object.keys(canonical)) {
      if (!(name in mapping.fields)) ctx.addIssue({ code: 'custom', path: ['fields', name], message: 'missing' });
    }
    for (const name of Object.keys(mapping.fields)) {
      if (!(name in canonical)) {
        ctx.addIssue({ code: 'custom', path: ['fields', name], message: `not a field of ${mapping.entity}` });
      }
    }
  });
export type Mapping = z.infer<typeof mappingSchema>;

/**
 * A per-connection override: field specs that replace the defaults' field by field. A whole mapping
 * file is also a valid override (its version, provider and entity must then agree with the default).
 */
export const overrideSchema = z.looseObject({
  version: z.number().int().positive().optional(),
  provider: z.enum(PROVIDERS).optional(),
  entity: z.enum(ENTITIES).optional(),
  fields: z.record(z.string(), fieldSpecBase),
});
export type MappingOverride = z.infer<typeof overrideSchema>;

/** Validates a mapping; `source` (a file name) starts every error message. */
export function parseMapping(json: unknown, source: string): Mapping {
  return parseWith(mappingSchema, json, source);
}

/** Validates a per-connection override; `source` starts every error message. */
export function parseOverride(json: unknown, source: string): MappingOverride {
  return parseWith(overrideSchema, json, source);
}

function parseWith<T>(schema: z.ZodType<T>, json: unknown, source: string): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = formatIssuePath(issue.path);
  throw new InvalidInput(`${source}: ${field}: ${issue.message}`, { field, source });
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  if (!path.length) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
