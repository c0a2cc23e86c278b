// https://developers.hubspot.com/docs/api/crm/companies
import { RELANCE_PROPERTY_NAMES } from '../writes/relance-properties.ts';
import type { HubSpotObjectSync } from './object-sync.ts';

export const companies: HubSpotObjectSync = {
  // Companies are not ledger records: core/crm-control stores them (crm_records) and reads the
  // paused/disputed flags a salesperson sets; the ledger engine maps nothing from them.
  stream: { name: 'company', produces: [] },
  objectType: 'companies',
  modifiedProperty: 'hs_lastmodifieddate',
  // The address parts (HubSpot's default company properties) feed the customer's postal address;
  // the Relance group includes `relance_company_number`, the registry lookup's number (issue 19.7).
  properties: ['name', 'domain', 'hubspot_owner_id', 'hs_lastmodifieddate', 'address', 'address2', 'city', 'state', 'zip', 'country', ...RELANCE_PROPERTY_NAMES],
};
