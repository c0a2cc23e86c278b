/**
 * One pulled page through the mapping engine, for every entity its stream feeds. A record the
 * mapping cannot read — or whose mapped form the store would refuse — is set aside with its reason
 * naming the record and the field; the rest of the page goes on.
 */
import { compileMapping, mapWith, type MappingContext, type MappingOverride } from '../mapping/index.ts';
import {
  creditNoteSchema, contactSchema, customerSchema, invoiceSchema, paymentSchema,
  type RejectedRecord, type StoredEntity,
} from '../store/index.ts';
import type { StreamSpec } from './types.ts';

const STORE_SCHEMAS = {
  customer: customerSchema,
  contact: contactSchema,
  invoice: invoiceSchema,
  payment: paymentSchema,
  creditNote: creditNoteSchema,
} as const;

export interface MappedEntity {
  entity: StoredEntity;
  /** Records in the store schema's parsed form (defaults filled in), each with its `raw`. */
  records: Record<string, unknown>[];
  rejected: RejectedRecord[];
}

export interface MapPageOptions {
  provider: string;
  /** Per-connection overrides by mapping name, already parsed. */
  overrides: Record<string, MappingOverride>;
  context: MappingContext;
}

/** Maps the page's live records with each mapping of the stream; each stored record keeps its raw source. */
export function mapPage(stream: StreamSpec, raws: readonly unknown[], options: MapPageOptions): MappedEntity[] {
  return stream.produces.map(({ entity, mapping: name }) => {
    const mapping = compileMapping(options.provider, name, {
      overrides: options.overrides[name] ?? null,
      overridesSource: `mapping override "${name}"`,
    });
    const out: MappedEntity = { entity, records: [], rejected: [] };
    raws.forEach((raw, index) => {
      // One record at a time, so that each result is known to come from this raw record.
      const result = mapWith(mapping, [raw], options.context);
      for (const r of result.rejected) {
        out.rejected.push({ externalId: r.externalId ?? `#${index}`, reason: r.message, raw: raw ?? null });
      }
      for (const record of result.records) accept(out, entity, record as Record<string, unknown>, raw);
    });
    return out;
  });
}

function accept(out: MappedEntity, entity: StoredEntity, record: Record<string, unknown>, raw: unknown): void {
  // Checked here, where a refusal sets one record aside rather than sinking the page; the store is
  // handed the parsed form (`upsertPage(…, { parsed: true })`), so it is parsed once.
  const parsed = STORE_SCHEMAS[entity].safeParse(record);
  if (parsed.success) {
    out.records.push({ ...(parsed.data as Record<string, unknown>), raw });
    return;
  }
  const issue = parsed.error.issues[0]!;
  const externalId = String(record.externalId ?? '?');
  out.rejected.push({ externalId, reason: `${entity} ${externalId}: ${issue.path.join('.')}: ${issue.message}`, raw });
}
