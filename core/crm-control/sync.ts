/**
 * Syncing a CRM connection's own records (HubSpot companies, deals, invoices objects) into
 * `crm_records`, as the ledger engine (core/sync) does for ledger entities: per page, the records,
 * their rejects, the flags that changed and the cursor commit in ONE transaction, so a sync killed
 * anywhere resumes without duplicates or gaps. A flag a salesperson changed reaches the customers
 * in that same transaction; `onCustomersChanged` (a per-customer dunning run) is called after it.
 */
import { mapRecords, type MappingOverride } from '../mapping/index.ts';
import { clearRejected, readCursor, saveRejected, writeCursor, type Db, type JsonValue, type RejectedRecord } from '../store/index.ts';
import type { PulledPage } from '../sync/index.ts';
import { applyFlagChanges, repairFlagDrift } from './flags.ts';
import { upsertCrmRecords, type CrmRow } from './records.ts';

export interface CrmSyncSource {
  provider: string;
  pull(stream: string, cursor: JsonValue): AsyncIterable<PulledPage>;
}

export interface CrmSyncOptions {
  db: Db;
  organizationId: string;
  connectionId: string;
  source: CrmSyncSource;
  /** Stream names: `company` is mapped (flags, matching fields); others are kept raw. */
  streams: readonly string[];
  full?: boolean;
  /** The company property that names the accounting customer's id (an explicit link), if any. */
  linkProperty?: string | null;
  overrides?: Record<string, MappingOverride>;
  onCustomersChanged?: (customerIds: string[]) => Promise<void>;
}

export interface CrmStreamReport {
  pages: number;
  pulled: number;
  written: number;
  rejected: number;
  flagChanges: number;
  customersChanged: number;
  /** Customers made to agree with their company records at the end of the pull (drift repaired). */
  driftRepaired?: number;
}

type Props = Record<string, string | null | undefined>;
const propsOf = (raw: unknown): Props => ((raw as { properties?: Props } | null)?.properties ?? {});
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** Companies go through the mapping engine (`mappings/<provider>/company.json`); a bad one is set aside. */
function companyRows(options: CrmSyncOptions, raws: readonly unknown[]): { rows: CrmRow[]; rejected: RejectedRecord[] } {
  const result = mapRecords(options.source.provider, 'company', raws, { overrides: options.overrides?.company ?? null });
  const rawById = new Map(raws.map((r) => [String((r as { id?: unknown }).id), r]));
  const rows = result.records.map((rec) => {
    const raw = rawById.get(String(rec.externalId));
    return {
      externalId: String(rec.externalId),
      name: text(rec.name),
      domain: text(rec.domain),
      ownerExternalId: text(rec.ownerExternalId),
      linkedCustomerExternalId: options.linkProperty ? text(propsOf(raw)[options.linkProperty]) : null,
      paused: rec.relancePaused === true,
      disputed: rec.relanceDisputed === true,
      sourceUpdatedAt: text(rec.updatedAt),
      raw: raw ?? null,
    };
  });
  const rejected = result.rejected.map((r, i) => ({ externalId: r.externalId ?? `#${i}`, reason: r.message, raw: null }));
  return { rows, rejected };
}

/** Deals and invoices objects: kept raw, with a display name. */
function rawRows(raws: readonly unknown[]): CrmRow[] {
  return raws.map((raw) => {
    const p = propsOf(raw);
    return {
      externalId: String((raw as { id: unknown }).id),
      name: text(p.dealname) ?? text(p.hs_number),
      domain: null,
      ownerExternalId: text(p.hubspot_owner_id),
      linkedCustomerExternalId: null,
      paused: null,
      disputed: null,
      sourceUpdatedAt: text(p.hs_lastmodifieddate) ?? text((raw as { updatedAt?: unknown }).updatedAt),
      raw,
    };
  });
}

async function commitPage(options: CrmSyncOptions, stream: string, page: PulledPage, report: CrmStreamReport): Promise<string[]> {
  const { rows, rejected } = stream === 'company' ? companyRows(options, page.records) : { rows: rawRows(page.records), rejected: [] };
  const changed = await options.db.transaction(async (tx) => {
    const upserted = await upsertCrmRecords(tx, { organizationId: options.organizationId, connectionId: options.connectionId, objectType: stream, rows, via: 'sync' });
    await clearRejected(tx, options.connectionId, stream, rows.map((r) => r.externalId));
    await saveRejected(tx, options.connectionId, stream, rejected);
    const customers = await applyFlagChanges(tx, options.connectionId, upserted.flagChanges);
    await writeCursor(tx, options.connectionId, stream, page.cursor);
    report.written += upserted.written;
    report.flagChanges += upserted.flagChanges.length;
    return customers;
  });
  report.pages += 1;
  report.pulled += page.records.length;
  report.rejected += rejected.length;
  report.customersChanged += changed.length;
  return changed;
}

/**
 * The end of a company pull: whatever the customers missed of the records (a lost webhook, a link
 * made after the box was ticked) is applied now — one statement when nothing drifted.
 */
export async function repairDrift(options: Pick<CrmSyncOptions, 'db' | 'connectionId' | 'onCustomersChanged'>, report?: CrmStreamReport): Promise<string[]> {
  const changed = await options.db.transaction((tx) => repairFlagDrift(tx, options.connectionId));
  if (report) {
    report.driftRepaired = changed.length;
    report.customersChanged += changed.length;
  }
  if (changed.length && options.onCustomersChanged) await options.onCustomersChanged(changed);
  return changed;
}

/** Syncs the CRM streams of one connection; full when asked or when a stream has no cursor yet. */
export async function syncCrmRecords(options: CrmSyncOptions): Promise<Record<string, CrmStreamReport>> {
  const reports: Record<string, CrmStreamReport> = {};
  for (const stream of options.streams) {
    const report: CrmStreamReport = { pages: 0, pulled: 0, written: 0, rejected: 0, flagChanges: 0, customersChanged: 0 };
    reports[stream] = report;
    const cursor = options.full ? null : await readCursor(options.db, options.connectionId, stream);
    for await (const page of options.source.pull(stream, cursor)) {
      const changed = await commitPage(options, stream, page, report);
      if (changed.length && options.onCustomersChanged) await options.onCustomersChanged(changed);
    }
    if (stream === 'company') await repairDrift(options, report);
  }
  return reports;
}
