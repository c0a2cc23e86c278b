/**
 * The Xero simulator for end-to-end tests, on a clock the test can move (to pass a daily reset or
 * expire a token), with a Xero connection to it stored in a test database.
 */
import type { AddressInfo } from 'node:net';
import { createConnection, ensureOrganization } from '../../../core/connections/index.ts';
import type { KeyRing } from '../../../core/crypto.ts';
import type { Clock } from '../../../core/http/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { generateWorld } from '../../../sandbox/generator/index.ts';
import type { LimitSettings, World } from '../../../sandbox/shared/contract.ts';
import { createXeroSimulator, type XeroSimulator } from '../../../sandbox/xero/index.ts';

/** Real time plus an offset the test moves; shared by the simulator and Relance's limiter. */
export class ShiftedClock implements Clock {
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
  sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RunningXero {
  sim: XeroSimulator;
  world: World;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startXero(options: { invoices: number; limits: LimitSettings; clock: ShiftedClock; seed?: number }): Promise<RunningXero> {
  const world = generateWorld({ seed: options.seed ?? 5, invoices: options.invoices, asOf: '2026-03-01' });
  const sim = createXeroSimulator({ world, limits: options.limits, now: options.clock.now });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}`;
  return { sim, world, baseUrl, close: () => sim.app.close() };
}

/** A Xero connection to the simulator, as `relance connect` would leave it. */
export async function connectXero(store: Pick<Store, 'pool'>, ring: KeyRing, xero: RunningXero, name: string): Promise<string> {
  const c = xero.sim.credentials;
  const organizationId = await ensureOrganization(store.pool, { name, baseCurrency: xero.world.xero.homeCurrency, country: 'GB' });
  const connection = await createConnection(store.pool, ring, {
    organizationId,
    provider: 'xero',
    displayName: xero.world.xero.organizationName,
    settings: {
      accountId: c.tenantId!,
      clientId: c.clientId!,
      clientSecret: c.clientSecret!,
      baseUrl: `${xero.baseUrl}/api.xro/2.0`,
      tokenUrl: `${xero.baseUrl}/connect/token`,
      webhookKey: c.webhookKey!,
      homeCurrency: xero.world.xero.homeCurrency,
    },
    // Xero's access tokens live 30 minutes.
    tokens: { accessToken: c.accessToken!, refreshToken: c.refreshToken!, expiresAt: new Date(Date.now() + 25 * 60_000) },
  });
  return connection.id;
}

/** The records of a collection the simulator serves (one unpaged list; the simulator's own count). */
export async function simulatorList(xero: RunningXero, collection: string, where?: string): Promise<Record<string, unknown>[]> {
  const url = new URL(`${xero.baseUrl}/api.xro/2.0/${collection}`);
  if (where) url.searchParams.set('where', where);
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${xero.sim.credentials.accessToken}`, 'xero-tenant-id': xero.sim.tenantId, accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`simulator ${collection}: ${response.status}`);
  return ((await response.json()) as Record<string, Record<string, unknown>[]>)[collection]!;
}
