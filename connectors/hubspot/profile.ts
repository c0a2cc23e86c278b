/** HubSpot's HTTP profiles and published limits, as data. */
import { defineProfile } from '../../core/http/index.ts';

// https://developers.hubspot.com/docs/api/overview
export const HUBSPOT_API_URL = 'https://api.hubapi.com';

// https://developers.hubspot.com/docs/api/oauth-quickstart-guide
export const HUBSPOT_AUTHORIZE_URL = 'https://app.hubspot.com/oauth/authorize';
export const HUBSPOT_TOKEN_URL = 'https://api.hubapi.com/oauth/v1/token';
/**
 * The scopes each kind of call needs, in one place; the OAuth request asks for their union, and a
 * 403 MISSING_SCOPES names the one a token lacks. Notes and tasks are written under the contacts
 * write scope (HubSpot's engagement objects have none of their own); custom properties on notes
 * or tasks need a schema scope no public app is granted, so Relance defines none there.
 * https://developers.hubspot.com/docs/api/scopes
 */
export const SCOPES_BY_CALL = {
  readCompanies: ['crm.objects.companies.read'],
  writeCompanies: ['crm.objects.companies.write'],
  readCompanyProperties: ['crm.schemas.companies.read'],
  writeCompanyProperties: ['crm.schemas.companies.write'],
  readContacts: ['crm.objects.contacts.read'],
  readDeals: ['crm.objects.deals.read'],
  readInvoices: ['crm.objects.invoices.read'],
  writeNotesAndTasks: ['crm.objects.contacts.write'],
} as const satisfies Record<string, readonly string[]>;

export const HUBSPOT_SCOPES: readonly string[] = [...new Set(Object.values(SCOPES_BY_CALL).flat())];

// https://developers.hubspot.com/docs/api/crm/understanding-the-crm#paging — list pages hold 100 at most.
export const LIST_PAGE_SIZE = 100;

// https://developers.hubspot.com/docs/api/crm/search#limitations
// `limit` up to 200 a page, and at most 10,000 results per query: paging past it is a 400, so a
// window holding more must be narrowed (see core/sync/windowed-search.ts).
export const SEARCH_PAGE_SIZE = 200;
export const SEARCH_RESULT_CAP = 10_000;

// https://developers.hubspot.com/docs/api/crm/companies — batch endpoints take 100 inputs a call.
export const BATCH_SIZE = 100;

// https://developers.hubspot.com/docs/api/webhooks/validating-requests
// "Reject the request if the timestamp is older than 5 minutes."
export const WEBHOOK_MAX_AGE_MS = 5 * 60 * 1000;

// https://developers.hubspot.com/docs/api/crm/associations — HUBSPOT_DEFINED type ids.
export const NOTE_TO_COMPANY = 190;
export const TASK_TO_COMPANY = 192;

// https://developers.hubspot.com/docs/api/usage-details
// Private apps: 100 requests per 10 s on Free/Starter (190 on Professional/Enterprise) and 250,000 a
// day; OAuth apps: 110 per 10 s per installing account. The lowest of these is the profile: the
// tier is not visible from the API, and the X-HubSpot-RateLimit-* headers tighten it when needed.
export const hubspotProfile = defineProfile({
  provider: 'hubspot',
  baseUrl: HUBSPOT_API_URL,
  limits: {
    concurrent: 10,
    windows: [
      { requests: 100, perMs: 10_000 },
      { requests: 250_000, perMs: 86_400_000 },
    ],
  },
  limitHeaders: {
    remaining: 'x-hubspot-ratelimit-remaining',
    max: 'x-hubspot-ratelimit-max',
    intervalMs: 'x-hubspot-ratelimit-interval-milliseconds',
    dailyRemaining: 'x-hubspot-ratelimit-daily-remaining',
  },
  paging: { style: 'cursor', pageSize: LIST_PAGE_SIZE },
});

// https://developers.hubspot.com/docs/api/crm/search#limitations
// "The search endpoints are rate limited to five requests per second per account" (an older
// changelog said four: the profile's 90 % headroom gives four either way). Search calls count
// against the general limit too, so they go through both limiters. No limit headers on search.
export const hubspotSearchProfile = defineProfile({
  provider: 'hubspot-search',
  baseUrl: HUBSPOT_API_URL,
  limits: { concurrent: 5, windows: [{ requests: 5, perMs: 1_000 }] },
  paging: { style: 'cursor', pageSize: SEARCH_PAGE_SIZE },
});
