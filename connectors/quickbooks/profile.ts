/** QuickBooks Online's HTTP profile and published limits, as data. */
import { defineProfile } from '../../core/http/index.ts';

// https://developer.intuit.com/app/developer/qbo/docs/develop/rest-api-features#base-urls
export const QUICKBOOKS_API_URL = 'https://quickbooks.api.intuit.com';

// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
export const QUICKBOOKS_AUTHORIZE_URL = 'https://appcenter.intuit.com/connect/oauth2';
export const QUICKBOOKS_TOKEN_URL = 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer';
export const QUICKBOOKS_SCOPE = 'com.intuit.quickbooks.accounting';

// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/minor-versions
// 75 is the floor Intuit accepts since 2025.
export const MINOR_VERSION = '75';

// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
// At most 1000 rows a query page (100 without MAXRESULTS): always ask for 1000.
export const QUERY_PAGE_SIZE = 1000;

// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
// CDC looks back at most 30 days and answers at most 1000 objects per entity, without paging.
export const CDC_LOOKBACK_MS = 30 * 24 * 3600 * 1000;
export const CDC_MAX_PER_ENTITY = 1000;
/** Fall back to a full sync this long before the 30 days, so a slow clock never asks past them. */
export const CDC_LOOKBACK_MARGIN_MS = 60 * 60 * 1000;

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
// Custom field string values hold at most 31 characters; PrivateNote at most 4000.
export const CUSTOM_FIELD_MAX = 31;
export const PRIVATE_NOTE_MAX = 4000;

// https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
// 500 requests per minute and 10 per second per realm and app; 10 concurrent requests per realm.
export const quickbooksProfile = defineProfile({
  provider: 'quickbooks',
  baseUrl: QUICKBOOKS_API_URL,
  limits: {
    concurrent: 10,
    windows: [
      { requests: 500, perMs: 60_000 },
      { requests: 10, perMs: 1_000 },
    ],
  },
  // Keyset paging, `WHERE Id > last ORDERBY Id`: an offset shifts when a record is deleted during
  // the listing and skips the next one; a key does not. The cursor is the last Id listed.
  paging: { style: 'cursor', pageSize: QUERY_PAGE_SIZE },
});
