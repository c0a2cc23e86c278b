// https://developers.hubspot.com/docs/api/crm/deals
import type { HubSpotObjectSync } from './object-sync.ts';

export const deals: HubSpotObjectSync = {
  // Kept raw in crm_records (core/crm-control): context for the salesperson, no ledger meaning.
  stream: { name: 'deal', produces: [] },
  objectType: 'deals',
  modifiedProperty: 'hs_lastmodifieddate',
  properties: ['dealname', 'amount', 'deal_currency_code', 'closedate', 'dealstage', 'pipeline', 'hubspot_owner_id', 'hs_lastmodifieddate'],
};
