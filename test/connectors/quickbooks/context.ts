/** A QuickBooks connection context for nock tests: a fixed token, a fresh limiter, fast retries. */
import nock from 'nock';
import { afterEach, beforeAll, expect } from 'vitest';
import { AccountLimiter, defaultRetryPolicy, exponentialFullJitter, type TokenSource } from '../../../core/http/index.ts';
import type { ConnectionContext, ConnectionSettings } from '../../../connectors/contract.ts';
import { quickbooksProfile } from '../../../connectors/quickbooks/index.ts';

export const BASE = 'https://qbo.example.test';
export const REALM = '9341453050711834';
export const API = `/v3/company/${REALM}`;

export function settings(overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return {
    accountId: REALM, clientId: 'cid', clientSecret: 'csecret', baseUrl: BASE, tokenUrl: `${BASE}/oauth2/v1/tokens/bearer`,
    webhookKey: 'verifier', homeCurrency: 'USD', extra: { stageFieldId: '1', disputeFieldId: '2' }, ...overrides,
  };
}

/** Tokens that start at `access-1` and become `access-2` after a rejection. */
export function tokens(): TokenSource & { refreshes: number } {
  const source = {
    refreshes: 0,
    current: 'access-1',
    async accessToken() {
      return source.current;
    },
    async refreshAfterRejection() {
      source.refreshes += 1;
      source.current = `access-${source.refreshes + 1}`;
      return source.current;
    },
  };
  return source;
}

export function context(overrides: Partial<ConnectionContext> = {}): ConnectionContext {
  const fast = exponentialFullJitter({ baseMs: 1, capMs: 5, maxRetries: 3 });
  return {
    connectionId: '00000000-0000-4000-8000-000000000001',
    settings: settings(),
    tokens: tokens(),
    limiter: new AccountLimiter(`quickbooks:${REALM}`, quickbooksProfile),
    policy: defaultRetryPolicy({ transient: fast, rateLimited: fast, conflict: fast, maxRetryAfterMs: 2_000 }),
    ...overrides,
  };
}

/** No real network, and every interceptor a test declares must have been used by its end. */
export function strictNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}
