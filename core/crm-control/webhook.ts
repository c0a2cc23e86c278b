/**
 * CRM control from a verified webhook: each `company.propertyChange` of a Relance flag is stored on
 * the company and applied to its customers at once, in one transaction, in event order. An event
 * older than the last event of the same flag (a late retry) changes nothing; each flag keeps its own
 * time, so an older event of one flag is never dropped behind a newer event of another.
 */
import type { Db } from '../store/index.ts';
import { applyFlagChanges, recordFlagByProperty, type FlagChange } from './flags.ts';

export interface FlagEvent {
  companyExternalId: string;
  propertyName: string;
  propertyValue: string;
  occurredAt: number;
}

/** CRM property → Relance flag. */
export const FLAG_PROPERTIES: Record<string, FlagChange['flag']> = { relance_paused: 'paused', relance_disputed: 'disputed' };

/** Applies the flag events of one delivery; returns the customers whose dunning must run again. */
export async function applyFlagEvents(db: Db, connectionId: string, events: readonly FlagEvent[]): Promise<string[]> {
  const ordered = [...events].filter((e) => FLAG_PROPERTIES[e.propertyName]).sort((a, b) => a.occurredAt - b.occurredAt);
  if (ordered.length === 0) return [];
  return db.transaction(async (tx) => {
    const changed = new Set<string>();
    for (const e of ordered) {
      const change: FlagChange = {
        companyExternalId: e.companyExternalId,
        flag: FLAG_PROPERTIES[e.propertyName]!,
        value: e.propertyValue.trim().toLowerCase() === 'true',
        via: 'webhook',
        at: new Date(e.occurredAt),
      };
      const recorded = await recordFlagByProperty(tx, connectionId, change);
      if (recorded) for (const id of await applyFlagChanges(tx, connectionId, [recorded])) changed.add(id);
    }
    return [...changed];
  });
}
