/**
 * What the Xero connector tests share: a connection context on a virtual clock (sleeps advance it
 * at once), tokens that rotate on a refresh, and Xero's answers in Xero's shapes for nock.
 */
import { AccountLimiter, constant, defaultRetryPolicy, defineProfile, type AttemptRecord, type Clock, type TokenSource } from '../../../core/http/index.ts';
import type { ConnectionContext } from '../../../connectors/contract.ts';
import { xeroProfile } from '../../../connectors/xero/profile.ts';

export const API = 'https://api.xero.com';
export const BASE_URL = `${API}/api.xro/2.0`;
export const TOKEN_URL = 'https://identity.xero.com/connect/token';
export const TENANT = '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a';

export interface VirtualClock extends Clock {
  sleeps: number[];
  advance(ms: number): void;
}

export function virtualClock(start = '2026-03-02T10:00:00Z'): VirtualClock {
  let t = Date.parse(start);
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export function rotatingTokens(first = 'access-1'): TokenSource & { refreshes: string[] } {
  let current = first;
  const refreshes: string[] = [];
  return {
    refreshes,
    accessToken: async () => current,
    refreshAfterRejection: async (stale) => {
      refreshes.push(stale);
      current = `access-${refreshes.length + 1}`;
      return current;
    },
  };
}

/**
 * Xero's windows as the profile has them, but the minute window widened: bottleneck spaces calls in
 * real time, and a nock test has no reason to wait a second a call. The daily allowance is kept.
 */
export const fastProfile = defineProfile({
  ...xeroProfile,
  limits: { ...xeroProfile.limits, windows: [{ requests: 100_000, perMs: 1000 }, ...xeroProfile.limits.windows.filter((w) => w.perMs >= 3_600_000)] },
});

export interface TestContext extends ConnectionContext {
  clock: VirtualClock;
  attempts: AttemptRecord[];
  tokens: ReturnType<typeof rotatingTokens>;
}

const limiters: AccountLimiter[] = [];

export function testContext(): TestContext {
  const clock = virtualClock();
  const limiter = new AccountLimiter(`xero:${TENANT}`, fastProfile, clock);
  limiters.push(limiter);
  const attempts: AttemptRecord[] = [];
  return {
    connectionId: '00000000-0000-4000-8000-000000000001',
    settings: { accountId: TENANT, clientId: 'CLIENTID', clientSecret: 'secret', baseUrl: BASE_URL, tokenUrl: TOKEN_URL, webhookKey: 'key' },
    tokens: rotatingTokens(),
    limiter,
    policy: defaultRetryPolicy({ random: () => 0.5, transient: constant(100, 2), rateLimited: constant(1000, 3) }),
    clock,
    attempts,
    onAttempt: (a) => attempts.push(a),
  };
}

export async function stopLimiters(): Promise<void> {
  await Promise.all(limiters.splice(0).map((l) => l.stop()));
}

/** `/Date(ms+0000)/` as Xero prints instants. */
export const msDate = (iso: string): string => `/Date(${Date.parse(iso)}+0000)/`;

/** A list answer with its envelope; `serverNow` is Xero's `DateTimeUTC`. */
export function listAnswer(collection: string, records: unknown[], serverNow = '2026-03-02T10:00:00Z'): Record<string, unknown> {
  return { Id: 'e4b0b1c2-0000-4000-8000-000000000000', Status: 'OK', ProviderName: 'Relance tests', DateTimeUTC: msDate(serverNow), [collection]: records };
}
