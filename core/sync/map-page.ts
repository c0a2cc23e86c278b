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
  const outs = start(stream, options);
  mapSlice(outs, raws, 0, raws.length, options);
  return outs.map((o) => o.out);
}

/** Records mapped between two yields to the event loop by `mapPageInSlices`. */
const SLICE = 200;

/**
 * `mapPage`, same result, with a turn of the event loop every 200 records: a page of 1,000 is
 * ~25 ms of CPU, and the sync engine maps while the next page's answer and the writes' round trips
 * come in — they are handled between slices instead of after the whole page (each wait on the event
 * loop lengthens the provider call it belongs to, and so when the rate window frees its slot).
 */
export async function mapPageInSlices(stream: StreamSpec, raws: readonly unknown[], options: MapPageOptions): Promise<MappedEntity[]> {
  const outs = start(stream, options);
  for (let from = 0; from < raws.length; from += SLICE) {
    if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    mapSlice(outs, raws, from, Math.min(raws.length, from + SLICE), options);
  }
  return outs.map((o) => o.out);
}

type Started = { out: MappedEntity; mapping: ReturnType<typeof compileMapping> }[];

function start(stream: StreamSpec, options: MapPageOptions): Started {
  return stream.produces.map(({ entity, mapping: name }) => ({
    out: { entity, records: [], rejected: [] },
    mapping: compileMapping(options.provider, name, {
      overrides: options.overrides[name] ?? null,
      overridesSource: `mapping override "${name}"`,
    }),
  }));
}

function mapSlice(outs: Started, raws: readonly unknown[], from: number, to: number, options: MapPageOptions): void {
  for (const { out, mapping } of outs) {
    for (let index = from; index < to; index++) {
      const raw = raws[index];
      // One record at a time, so that each result is known to come from this raw record.
      const result = mapWith(mapping, [raw], options.context);
      for (const r of result.rejected) {
        out.rejected.push({ externalId: r.externalId ?? `#${index}`, reason: r.message, raw: raw ?? null });
      }
      for (const record of result.records) accept(out, out.entity, record as Record<string, unknown>, raw);
    }
  }
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
