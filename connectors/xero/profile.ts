/**
 * Xero as data: where the API and the identity service live, the published limits, the headers that
 * say what is left, and the paging style. Each number carries the documentation page it comes from.
 */
import { defineProfile } from '../../core/http/index.ts';

// https://developer.xero.com/documentation/api/accounting/overview
export const XERO_API_BASE_URL = 'https://api.xero.com/api.xro/2.0';

// https://developer.xero.com/documentation/guides/oauth2/auth-flow — authorize, token and tenants.
export const XERO_AUTHORIZE_URL = 'https://login.xero.com/identity/connect/authorize';
export const XERO_TOKEN_URL = 'https://identity.xero.com/connect/token';
export const XERO_CONNECTIONS_URL = 'https://api.xero.com/connections';

// https://developer.xero.com/documentation/guides/oauth2/scopes — offline_access is what yields a refresh token.
export const XERO_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'accounting.transactions', 'accounting.contacts', 'accounting.settings.read'];

// https://developer.xero.com/documentation/guides/oauth2/limits/#api-rate-limits
// Per tenant: 5 calls in progress, 60 a minute, 5000 a rolling day. The app-wide 10,000 a minute is
// shared by every tenant of the app: far above what one tenant may use, so not a window here.
export const XERO_CONCURRENT_LIMIT = 5;
export const XERO_MINUTE_LIMIT = 60;
export const XERO_DAY_LIMIT = 5000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// https://developer.xero.com/documentation/api/accounting/invoices#get-invoices — "pageSize … up to 1000".
export const XERO_MAX_PAGE_SIZE = 1000;

export const xeroProfile = defineProfile({
  provider: 'xero',
  baseUrl: XERO_API_BASE_URL,
  limits: {
    concurrent: XERO_CONCURRENT_LIMIT,
    windows: [
      { requests: XERO_MINUTE_LIMIT, perMs: MINUTE_MS },
      { requests: XERO_DAY_LIMIT, perMs: DAY_MS },
    ],
    // 90 %: 54 calls a minute in steady state, and the last 500 calls of the day are left for the
    // user's other apps and for write-back, so a sync stops cleanly before Xero refuses anything.
    headroom: 0.9,
  },
  // https://developer.xero.com/documentation/guides/oauth2/limits/#api-rate-limits (response headers)
  limitHeaders: { remaining: 'x-minlimit-remaining', dailyRemaining: 'x-daylimit-remaining' },
  paging: { style: 'page', pageSize: XERO_MAX_PAGE_SIZE, firstPage: 1 },
});
