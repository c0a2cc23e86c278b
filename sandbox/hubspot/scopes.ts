/**
 * HubSpot's scopes, enforced: each token carries the scopes it was granted and a call outside them
 * gets HubSpot's 403 `MISSING_SCOPES` body, naming the scopes the call needs. Notes and tasks are
 * written under `crm.objects.contacts.write`; custom properties on them need a schema scope that no
 * public app is granted, so that call is refused to every token.
 * https://developers.hubspot.com/docs/api/scopes
 * https://developers.hubspot.com/docs/api/error-handling
 */
import { errorBody, HubspotHttpError } from './errors.ts';

/** What a private-app token of the sandbox is granted unless a test narrows it (deals write: the tests create deals). */
export const DEFAULT_PRIVATE_APP_SCOPES = [
  'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.read', 'crm.schemas.companies.write',
  'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.deals.read', 'crm.objects.deals.write', 'crm.objects.invoices.read',
  'crm.objects.owners.read',
];

const UNGRANTABLE = 'crm.schemas.custom.write';

const OBJECT_SCOPE: Record<string, string> = {
  companies: 'companies', company: 'companies', '0-2': 'companies',
  contacts: 'contacts', contact: 'contacts', '0-1': 'contacts',
  deals: 'deals', deal: 'deals', '0-3': 'deals',
  invoices: 'invoices', invoice: 'invoices',
  // Engagements ride on the contacts scopes.
  notes: 'contacts', tasks: 'contacts',
};

/** The scopes a CRM call needs (any one of them suffices), or null for a call that needs none. */
export function requiredScopes(method: string, path: string): string[] | null {
  const m = /^\/crm\/v[34]\/(objects|properties|associations|owners)(?:\/([^/]+))?/.exec(path);
  if (!m) return null;
  const [, kind, type] = m;
  if (kind === 'owners') return ['crm.objects.owners.read'];
  const object = type ? OBJECT_SCOPE[type] : undefined;
  if (!object) return null;
  const read = method === 'GET' || /\/(search|batch\/read)\/?$/.test(path);
  if (kind === 'properties') {
    if (type === 'notes' || type === 'tasks') return read ? ['crm.objects.contacts.read'] : [UNGRANTABLE];
    return [`crm.schemas.${object}.${read ? 'read' : 'write'}`];
  }
  return [`crm.objects.${object}.${read ? 'read' : 'write'}`];
}

/** HubSpot's 403 when `granted` holds none of `required`. */
export function checkScopes(granted: readonly string[], required: string[] | null): void {
  if (required === null || required.some((s) => granted.includes(s))) return;
  throw new HubspotHttpError(
    403,
    errorBody('MISSING_SCOPES', "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.", {
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: required } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    }),
  );
}
