/**
 * `relance demo --serve`: after the run it keeps serving what it built. The printed user logs in to
 * the console's API, the printed portal link opens the customer's page, the caught mail is listed,
 * a taken port falls back to a free one, and SIGINT stops everything with exit status 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { spawnCli, waitForExit } from '../support/cli.ts';

const key = `t1:${Buffer.alloc(32, 5).toString('base64')}`;
const READY = /console: (\S+)\s+user: (\S+)\s+password: (\S+)\nportal \(([^)]+)\): (\S+)\ncaught mail: (\S+)/;

let db: TestDatabase;
let dataDir: string;
let taken: Server;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  dataDir = await mkdtemp(path.join(tmpdir(), 'relance-demo-'));
  // A port something else holds: the demo must say so and serve on another.
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => taken?.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
  await db?.drop();
});

describe('relance demo --serve', () => {
  it('serves the console, the portal and the caught mail until SIGINT, then exits 0', async () => {
    const takenPort = (taken.address() as { port: number }).port;
    const env = { DATABASE_URL: db.url, RELANCE_SECRET_KEY: key, RELANCE_DATA_DIR: dataDir, RELANCE_PORT: String(takenPort) };
    const { child, match, output } = await spawnCli(['demo', '--serve', '--invoices', '30', '--seed', '7'], env, READY);
    try {
      const [, consoleUrl, email, password, customer, portalUrl, mailUrl] = match as unknown as string[];
      expect(email).toBe('demo@relance.example');
      expect(output()).toContain(`port ${takenPort} is taken`);
      const base = new URL(consoleUrl!);
      expect(base.port).not.toBe(String(takenPort));
      expect(base.pathname).toBe('/console/');

      const login = await fetch(new URL('/api/auth/login', base), {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const me = await (await fetch(new URL('/api/auth/me', base), { headers: { cookie } })).json() as { memberships: { role: string }[] };
      // Admin of both demo organizations (QuickBooks with HubSpot, and Xero).
      expect(me.memberships.map((m) => m.role)).toEqual(['admin', 'admin']);
      expect((await fetch(new URL('/console/', base))).status).toBe(200);

      expect(new URL(portalUrl!).origin).toBe(base.origin);
      const portal = await fetch(portalUrl!);
      expect(portal.status).toBe(200);
      expect(await portal.text()).toContain(customer!.replaceAll("'", '&#39;'));

      const caught = await (await fetch(mailUrl!)).json() as { to: string[]; raw: string }[];
      expect(caught.length).toBeGreaterThan(0);
      // Each reminder links to its customer's page on this server.
      expect(caught[0]!.raw.replace(/=\r\n/g, '')).toContain(`${base.origin}/portal/v1.`);
    } finally {
      child.kill('SIGINT');
    }
    const bound = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running 60 s after SIGINT:\n${output()}`)), 60_000).unref());
    expect(await Promise.race([waitForExit(child), bound])).toBe(0);
    expect(output()).toContain('SIGINT: stopping');
  }, 240_000);
});
