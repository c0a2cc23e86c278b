/**
 * Builds the portal (companies, contacts, owners, their associations and property definitions) from
 * the sandbox world. Everything is a string property, as HubSpot serves it.
 */
import type { World } from '../shared/contract.ts';
import { PropertyRegistry } from './properties.ts';
import { countryAsTyped, streetAddress } from '../shared/addresses.ts';
import { AssociationIndex, ObjectStore } from './store.ts';
import type { CrmObject } from './store.ts';

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface Portal {
  portalId: string;
  stores: Record<'companies' | 'contacts' | 'deals' | 'notes' | 'tasks', ObjectStore>;
  associations: AssociationIndex;
  properties: PropertyRegistry;
  owners: Owner[];
}

export type ObjectType = keyof Portal['stores'];

// Contacts show `lastmodifieddate` by default, and keep `hs_lastmodifieddate` in step.
// https://developers.hubspot.com/docs/api/crm/search#search-default-properties
export const MODIFIED_PROPS: Record<ObjectType, string[]> = {
  companies: ['hs_lastmodifieddate'],
  contacts: ['hs_lastmodifieddate', 'lastmodifieddate'],
  notes: ['hs_lastmodifieddate'],
  tasks: ['hs_lastmodifieddate'],
  deals: ['hs_lastmodifieddate'],
};

export function newCrmObject(
  id: string,
  created: string,
  updated: string,
  props: Record<string, string | null>,
  type: ObjectType,
): CrmObject {
  // HubSpot prints instants with milliseconds ("2025-06-01T10:00:00.000Z"); the world may not.
  const createdAt = withMillis(created);
  const updatedAt = withMillis(updated);
  const properties: Record<string, string | null> = { ...props, hs_object_id: id, createdate: createdAt };
  // Engagements (notes, tasks) name their creation date hs_createdate.
  if (type === 'notes' || type === 'tasks') properties.hs_createdate = createdAt;
  for (const p of MODIFIED_PROPS[type]) properties[p] = updatedAt;
  return { id, properties, createdAt, updatedAt, updatedMs: Date.parse(updatedAt), archived: false };
}

/** "…:55Z" → "…:55.000Z" without a Date round trip (seeding 100,000+ records does this twice each). */
function withMillis(iso: string): string {
  if (iso.length === 24 && iso.endsWith('Z')) return iso;
  if (iso.length === 20 && iso.endsWith('Z')) return `${iso.slice(0, 19)}.000Z`;
  return new Date(iso).toISOString();
}

/**
 * The registration number a salesperson typed on a company that is a ledger customer
 * (`relance_company_number`): eight digits, as Companies House numbers of England and Wales are,
 * derived from the customer's id so the world's generator draws nothing more.
 */
export function sandboxCompanyNumber(customerId: string): string {
  let h = 0x811c9dc5;
  for (const ch of customerId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return String(h % 100_000_000).padStart(8, '0');
}

export function seedPortal(world: World): Portal {
  const crm = world.hubspot;
  const owners: Owner[] = crm.owners.map((o, i) => ({
    id: o.id,
    email: o.email,
    firstName: o.firstName,
    lastName: o.lastName,
    userId: 8_000_000 + i,
    createdAt: '2024-01-01T09:00:00.000Z',
    updatedAt: '2024-01-01T09:00:00.000Z',
    archived: false,
  }));
  const portal: Portal = {
    portalId: crm.portalId,
    stores: {
      companies: new ObjectStore('companies', MODIFIED_PROPS.companies),
      contacts: new ObjectStore('contacts', MODIFIED_PROPS.contacts),
      notes: new ObjectStore('notes', MODIFIED_PROPS.notes),
      tasks: new ObjectStore('tasks', MODIFIED_PROPS.tasks),
      // The world has no deals; the type is served (empty until a client creates some).
      deals: new ObjectStore('deals', MODIFIED_PROPS.deals),
    },
    associations: new AssociationIndex(),
    properties: new PropertyRegistry(owners.map((o) => o.id)),
    owners,
  };
  // A company that stands for a ledger customer has that customer's address, as a salesperson
  // typed it (the country's English name); prospects have none.
  const customerOf = new Map(world.quickbooks.customers.map((c) => [c.id, c]));
  for (const c of crm.companies) {
    const customer = c.matchesCustomerId ? customerOf.get(c.matchesCustomerId) : undefined;
    const street = customer ? streetAddress(customer.id, customer.country) : null;
    const address: Record<string, string> = customer && street
      ? { address: street.line1, city: street.city, zip: street.postalCode, country: countryAsTyped(customer.country, 'xero') }
      : {};
    portal.stores.companies.load(
      newCrmObject(
        c.id,
        c.createdAt,
        c.updatedAt,
        { name: c.name, domain: c.domain, hubspot_owner_id: c.ownerId, ...address, ...(customer && { relance_company_number: sandboxCompanyNumber(customer.id) }) },
        'companies',
      ),
    );
  }
  for (const c of crm.contacts) {
    const props = {
      firstname: c.firstName,
      lastname: c.lastName,
      email: c.email,
      phone: c.phone,
      associatedcompanyid: c.companyId,
    };
    portal.stores.contacts.load(newCrmObject(c.id, c.createdAt, c.updatedAt, props, 'contacts'));
    if (c.companyId) portal.associations.link('contacts', c.id, 'companies', c.companyId);
  }
  for (const store of Object.values(portal.stores)) store.seal();
  return portal;
}
