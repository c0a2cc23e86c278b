/**
 * Done-when of the outbox: a worker killed (SIGKILL) in the middle of a push leaves nothing lost
 * and nothing applied twice. The provider is a local HTTP server that, like Xero, honours the
 * Idempotency-Key header: a repeated key gets the first answer and changes nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { enqueueChange } from '../../core/outbox/index.ts';
import { seedConnection } from './support/seed.ts';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/push-worker.ts');

interface Delivery {
  key: string;
  path: string;
  body: string;
}

/** The provider: records every delivery, applies each key once, and can hold one answer forever. */
function fakeProvider() {
  const deliveries: Delivery[] = [];
  const applied: Delivery[] = [];
  let holdNth: number | null = null;
  let onHeld: (() => void) | null = null;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const d = { key: String(req.headers['idempotency-key']), path: req.url ?? '', body };
      deliveries.push(d);
      if (!applied.some((a) => a.key === d.key)) applied.push(d);
      if (holdNth !== null && deliveries.length === holdNth) {
        holdNth = null;
        onHeld?.(); // applied, but the answer never leaves: the worker dies waiting for it
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return {
    deliveries,
    applied,
    holdAt(n: number): Promise<void> {
      holdNth = n;
      return new Promise((resolve) => (onHeld = resolve));
    },
    listen: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

let t: TestDatabase;
const provider = fakeProvider();
let providerUrl: string;

beforeAll(async () => {
  t = await createTestDatabase();
  providerUrl = await provider.listen();
});
afterAll(async () => {
  await provider.close();
  await t.drop();
});

describe('a push worker killed mid-push', () => {
  it('on restart, pushes every row exactly once, in order per record', async () => {
    const ids = await seedConnection(t.db);
    const keys: string[] = [];
    await t.db.transaction(async (tx) => {
      for (const inv of ['A', 'B', 'C']) {
        for (const step of [1, 2, 3]) {
          const key = `${inv}-${step}`;
          keys.push(key);
          await enqueueChange(tx, { ...ids, kind: 'add-note', entity: 'invoice', externalId: inv, payload: { step }, idempotencyKey: key });
        }
      }
    });
    const env = { DATABASE_URL: t.url, PROVIDER_URL: providerUrl, LEASE_MS: '1500' };

    // The 4th delivery is applied by the provider but never answered; the worker is killed then.
    const held = provider.holdAt(4);
    const first = startWorker(env);
    const firstExit = exited(first);
    await held;
    first.kill('SIGKILL');
    expect(await firstExit).toBeNull();
    const { rows: mid } = await t.db.execute<{ status: string; n: string }>(
      sql`SELECT status::text, count(*)::text AS n FROM outbox GROUP BY status ORDER BY status`,
    );
    expect(mid).toContainEqual({ status: 'in_flight', n: '1' });

    const second = startWorker(env);
    let stderr = '';
    second.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    expect(await exited(second), stderr).toBe(0);

    const { rows } = await t.db.execute<{ idempotency_key: string; status: string }>(
      sql`SELECT idempotency_key, status::text FROM outbox ORDER BY seq`,
    );
    expect(rows.every((r) => r.status === 'done')).toBe(true);
    // Applied exactly once each; the one delivery repeated after the kill is the held one, same body.
    expect(provider.applied.map((a) => a.key).sort()).toEqual([...keys].sort());
    const repeated = provider.deliveries.filter((d, i) => provider.deliveries.findIndex((e) => e.key === d.key) !== i);
    expect(repeated).toHaveLength(1);
    expect(repeated[0]).toEqual(provider.deliveries[3]);
    for (const inv of ['A', 'B', 'C']) {
      expect(provider.applied.filter((a) => a.path.endsWith(`/${inv}`)).map((a) => a.key)).toEqual([1, 2, 3].map((s) => `${inv}-${s}`));
    }
  }, 120_000); // two child processes start and one is killed: slow on a loaded two-core machine
});
