// https://developers.hubspot.com/docs/api/crm/invoices — the invoices object exists only in
// portals with HubSpot's commerce tools; elsewhere its search is refused.
import type { HubSpotObjectSync } from './object-sync.ts';

export const invoices: HubSpotObjectSync = {
  stream: { name: 'hubspotInvoice', produces: [] },
  objectType: 'invoices',
  modifiedProperty: 'hs_lastmodifieddate',
  properties: ['hs_number', 'hs_currency', 'hs_amount_billed', 'hs_balance_due', 'hs_due_date', 'hs_invoice_status', 'hs_lastmodifieddate'],
  optional: true,
};
