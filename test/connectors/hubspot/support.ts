/**
 * What the HubSpot connector tests share: a connection context on a virtual clock (sleeps advance it
 * at once), tokens that rotate on a refresh, limiters wide enough that nock tests do not wait, and
 * HubSpot's answers in HubSpot's shapes.
 */
import { AccountLimiter, constant, defaultRetryPolicy, defineProfile, type AttemptRecord, type Clock, type TokenSource } from '../../../core/http/index.ts';
import type { ConnectionContext } from '../../../connectors/contract.ts';
import { connectHubSpot, hubspotProfile, hubspotSearchProfile, type HubSpotSession } from '../../../connectors/hubspot/index.ts';

export const API = 'https://api.hubapi.com';
export const PORTAL = '24681357';

export interface VirtualClock extends Clock {
  sleeps: number[];
}

export function virtualClock(start = '2026-03-02T10:00:00Z'): VirtualClock {
  let t = Date.parse(start);
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
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

const wide = (profile: typeof hubspotProfile) =>
  defineProfile({ ...profile, limits: { ...profile.limits, windows: [{ requests: 100_000, perMs: 1000 }, ...profile.limits.windows.filter((w) => w.perMs >= 3_600_000)] } });

export interface TestContext extends ConnectionContext {
  clock: VirtualClock;
  attempts: AttemptRecord[];
  tokens: ReturnType<typeof rotatingTokens>;
}

const limiters: AccountLimiter[] = [];

export function testSession(): { context: TestContext; session: HubSpotSession } {
  const clock = virtualClock();
  const limiter = new AccountLimiter(`hubspot:${PORTAL}`, wide(hubspotProfile), clock);
  const searchLimiter = new AccountLimiter(`hubspot-search:${PORTAL}`, wide(hubspotSearchProfile), clock);
  limiters.push(limiter, searchLimiter);
  const attempts: AttemptRecord[] = [];
  const context: TestContext = {
    connectionId: '00000000-0000-4000-8000-000000000002',
    settings: { accountId: PORTAL, clientId: 'client-id', clientSecret: 'client-secret', baseUrl: API, tokenUrl: `${API}/oauth/v1/token`, webhookKey: 'client-secret' },
    tokens: rotatingTokens(),
    limiter,
    policy: defaultRetryPolicy({ random: () => 0.5, transient: constant(100, 2), rateLimited: constant(1000, 3) }),
    clock,
    attempts,
    onAttempt: (a) => attempts.push(a),
  };
  return { context, session: connectHubSpot(context, { searchLimiter }) };
}

export async function stopLimiters(): Promise<void> {
  await Promise.all(limiters.splice(0).map((l) => l.stop()));
}

export function company(id: number, modified: string, extra: Record<string, string | null> = {}) {
  return {
    id: String(id),
    properties: { hs_object_id: String(id), name: `Company ${id}`, domain: `c${id}.example`, hs_lastmodifieddate: modified, ...extra },
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: modified,
    archived: false,
  };
}

export function hubspotError(category: string, message: string, extra: Record<string, unknown> = {}) {
  return { status: 'error', message, correlationId: '2f1c0b3e-4b1a-4c5e-9d6f-0a1b2c3d4e5f', category, ...extra };
}
