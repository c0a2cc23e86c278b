// https://developers.hubspot.com/docs/api/crm/contacts
// Contacts are searched on `lastmodifieddate`, the contact's own modified property (its
// `hs_lastmodifieddate` twin is kept in step): https://developers.hubspot.com/docs/api/crm/search#search-default-properties
import type { HubSpotObjectSync } from './object-sync.ts';

export const contacts: HubSpotObjectSync = {
  stream: { name: 'contact', produces: [{ entity: 'contact', mapping: 'contact' }] },
  objectType: 'contacts',
  modifiedProperty: 'lastmodifieddate',
  // Search answers carry no associations: `associatedcompanyid` names the primary company.
  properties: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'associatedcompanyid', 'lastmodifieddate'],
};
