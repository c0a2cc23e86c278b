/** The HubSpot object syncs, in sync order: companies before the contacts that name them. */
import { companies } from './companies.ts';
import { contacts } from './contacts.ts';
import { deals } from './deals.ts';
import { invoices } from './invoices.ts';
import type { HubSpotObjectSync } from './object-sync.ts';

export type { HubSpotObjectSync } from './object-sync.ts';

export const OBJECT_SYNCS: readonly HubSpotObjectSync[] = [companies, contacts, deals, invoices];

/** Streams the ledger sync engine stores (canonical entities). */
export const LEDGER_STREAMS = ['contact'] as const;
/** Streams core/crm-control stores as CRM records. */
export const CRM_STREAMS = ['company', 'deal', 'hubspotInvoice'] as const;

export function syncForStream(stream: string): HubSpotObjectSync | undefined {
  return OBJECT_SYNCS.find((s) => s.stream.name === stream);
}

/** The sync of a webhook's `subscriptionType` object (`company.propertyChange` → companies). */
export function syncForWebhookObject(object: string): HubSpotObjectSync | undefined {
  return OBJECT_SYNCS.find((s) => s.stream.name === object);
}
