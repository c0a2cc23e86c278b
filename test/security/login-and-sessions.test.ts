/**
 * Attacks on the login and on what a session or key is worth, over real HTTP against the real
 * server on a real PostgreSQL: parallel bursts of wrong passwords (with the right one inside the
 * burst), one address spraying many accounts, two server processes sharing the counters,
 * X-Forwarded-For believed only from a trusted proxy; then a password change ending the other
 * sessions, a disabled user locked out at once (console and `relance user disable`), and API keys
 * scoped to one organization, read-only, expiring, shown as such.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createUser, grantMembership, LOGIN_LIMITS } from '../../core/access/index.ts';
import { runCli } from '../support/cli.ts';
import { PASSWORD, TEST_SCRYPT } from '../api/world.ts';
import { anotherServer, http, isJsonRefusal, serveWorld, type Served } from './support.ts';

let s: Served;
/** Behind a reverse proxy on loopback: X-Forwarded-For names the client. */
let proxied: { app: FastifyInstance; url: string };
let second: { app: FastifyInstance; url: string };
beforeAll(async () => {
  s = await serveWorld();
  proxied = await anotherServer(s.w, { trustedProxies: ['127.0.0.1'] });
  second = await anotherServer(s.w, { trustedProxies: ['127.0.0.1'] });
  // Accounts to spray (cheap test hashes: an unknown email would cost the production-cost decoy hash).
  for (let i = 0; i < 40; i++) await createUser(s.w.db.db, { email: `user${i}@spray.example`, password: PASSWORD, scrypt: TEST_SCRYPT });
}, 60_000);
afterAll(async () => {
  await proxied?.app.close();
  await second?.app.close();
  await s?.close();
});

const login = (base: string, email: string, password: string, from?: string) =>
  http(`${base}/api/auth/login`, { body: { email, password }, headers: from ? { 'x-forwarded-for': from } : {} });

const tally = (answers: { status: number }[]) => {
  const t: Record<number, number> = {};
  for (const a of answers) t[a.status] = (t[a.status] ?? 0) + 1;
  return t;
};

describe('a burst of wrong passwords', () => {
  it('gets at most the per-account limit evaluated, and the right password inside the burst does not get in', async () => {
    const email = s.w.users.viewerA.email;
    const wrong = Array.from({ length: 150 }, (_, i) => login(proxied.url, email, `wrong password ${i}`, '198.51.100.10'));
    const right = login(proxied.url, email, PASSWORD, '198.51.100.10');
    const answers = await Promise.all([...wrong, right]);
    const t = tally(answers);
    const rightGotIn = (await right).status === 200;
    // Only `max` attempts may be checked at all; every other one is refused before scrypt runs.
    expect((t[401] ?? 0) + (rightGotIn ? 1 : 0)).toBeLessThanOrEqual(LOGIN_LIMITS.account.max);
    expect(t[429]).toBeGreaterThanOrEqual(151 - LOGIN_LIMITS.account.max);
    expect(Object.keys(t).every((k) => ['200', '401', '429'].includes(k))).toBe(true);
    expect(answers.every((a) => isJsonRefusal(a) || a.status === 200)).toBe(true);
    // And after the burst the account is locked for this window, right password or not.
    const after = await login(proxied.url, email, PASSWORD, '198.51.100.11');
    if (!rightGotIn) expect(after.status).toBe(429);
  });

  it('shares its counters between two server processes on the same database', async () => {
    const email = s.w.users.restrictedA.email;
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(i % 2 ? proxied.url : second.url, email, `not it ${i}`, `198.51.100.${20 + (i % 5)}`)),
    );
    const t = tally(answers);
    expect(t[401]).toBeLessThanOrEqual(LOGIN_LIMITS.account.max);
    expect(t[429]).toBeGreaterThanOrEqual(30 - LOGIN_LIMITS.account.max);
  });
});

describe('one address, many accounts', () => {
  it('locks that address only: everyone else still logs in', async () => {
    const attacker = '203.0.113.66';
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(proxied.url, `user${i}@spray.example`, 'guess guess guess', attacker)));
    const t = tally(answers);
    expect(t[401]).toBeLessThanOrEqual(LOGIN_LIMITS.ip.max);
    expect(t[429]).toBeGreaterThanOrEqual(40 - LOGIN_LIMITS.ip.max);
    expect((await login(proxied.url, s.w.users.collectorA.email, PASSWORD, attacker)).status).toBe(429);
    // Another client behind the same proxy is not locked out by the attacker's burst.
    expect((await login(proxied.url, s.w.users.collectorA.email, PASSWORD, '203.0.113.67')).status).toBe(200);
  });

  it('believes X-Forwarded-For only from a trusted proxy: a direct client cannot pick a fresh address per guess', async () => {
    // s.url trusts no proxy: every request is 127.0.0.1 whatever header it sends.
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(s.url, `user${i}@spray.example`, 'guess guess guess', `192.0.2.${i + 1}`)),
    );
    const t = tally(answers);
    expect(t[401]).toBeLessThanOrEqual(LOGIN_LIMITS.ip.max);
    expect(t[429]).toBeGreaterThanOrEqual(30 - LOGIN_LIMITS.ip.max);
  });
});

async function session(email: string, password = PASSWORD, from = '198.51.100.200'): Promise<{ cookie: string; csrf: string }> {
  const res = await login(proxied.url, email, password, from);
  expect(res.status, res.body).toBe(200);
  return { cookie: res.cookie!.split(';')[0]!, csrf: String(res.json().csrfToken) };
}
const me = (c: { cookie: string }) => http(`${proxied.url}/api/auth/me`, { headers: { cookie: c.cookie } });

describe('sessions and keys follow the user', () => {
  it('a password change ends the user’s other sessions and keeps the one that made it', async () => {
    const email = s.w.users.adminB.email;
    const one = await session(email);
    const two = await session(email);
    const changed = await http(`${proxied.url}/api/me/password`, {
      body: { currentPassword: PASSWORD, newPassword: 'an entirely new passphrase' },
      headers: { cookie: one.cookie, 'x-csrf-token': one.csrf },
    });
    expect(changed.status, changed.body).toBe(204);
    expect((await me(one)).status).toBe(200);
    expect((await me(two)).status).toBe(401);
    expect((await login(proxied.url, email, PASSWORD, '198.51.100.201')).status).toBe(401);
    const wrongCurrent = await http(`${proxied.url}/api/me/password`, { body: { currentPassword: 'not the password', newPassword: 'yet another passphrase' }, headers: { cookie: one.cookie, 'x-csrf-token': one.csrf } });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.json().error!.field).toBe('currentPassword');
  });

  it('a disabled user loses every session and API key at once; only an admin of all their organizations may do it', async () => {
    const victim = s.w.users.collectorA;
    const open = await session(victim.email, PASSWORD, '198.51.100.210');
    const byKey = { authorization: `Bearer ${victim.apiKey}` };
    expect((await http(`${proxied.url}/api/auth/me`, { headers: byKey })).status).toBe(200);

    const notAdmin = await http(`${proxied.url}/api/organizations/${s.w.orgA}/members/${victim.id}/disable`, { method: 'POST', headers: s.w.as('viewerA') });
    expect(notAdmin.status).toBe(403);
    const disabled = await http(`${proxied.url}/api/organizations/${s.w.orgA}/members/${victim.id}/disable`, { method: 'POST', headers: s.w.as('adminA') });
    expect(disabled.status, disabled.body).toBe(200);
    expect(disabled.json()).toMatchObject({ id: victim.id, disabled: true });
    expect((await me(open)).status).toBe(401);
    expect((await http(`${proxied.url}/api/auth/me`, { headers: byKey })).status).toBe(401);
    expect((await login(proxied.url, victim.email, PASSWORD, '198.51.100.211')).status).toBe(401);
    const keys = await s.w.db.pool.query('SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL', [victim.id]);
    expect(keys.rows[0].n).toBe(0);

    // adminB is no admin of A: a user of A cannot be disabled from B, and B's admin does not see them.
    const fromB = await http(`${proxied.url}/api/organizations/${s.w.orgB}/members/${victim.id}/disable`, { method: 'POST', headers: s.w.as('adminB') });
    expect(fromB.status).toBe(404);
  });

  it('`relance user disable` does the same from the command line', async () => {
    const victim = s.w.users.restrictedA;
    const env = { DATABASE_URL: s.w.db.url, RELANCE_LOG_LEVEL: 'error' };
    const res = await runCli(['user', 'disable', '--email', victim.email], env);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ id: victim.id, disabled: true });
    expect((await http(`${proxied.url}/api/auth/me`, { headers: { authorization: `Bearer ${victim.apiKey}` } })).status).toBe(401);
    const unknown = await runCli(['user', 'disable', '--email', 'nobody@nowhere.example'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/--email/);
  }, 60_000);

  it('an API key can be scoped to one organization and made read-only, with an expiry the key list shows', async () => {
    const admin = s.w.users.adminA;
    await grantMembership(s.w.db.db, { userId: admin.id, organizationId: s.w.orgB, role: 'admin' });
    const c = await session(admin.email, PASSWORD, '198.51.100.220');
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const made = await http(`${proxied.url}/api/me/api-keys`, { body: { name: 'reporting', organizationId: s.w.orgA, readOnly: true, expiresAt }, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf } });
    expect(made.status, made.body).toBe(201);
    const key = { authorization: `Bearer ${String(made.json().key)}` };
    expect((await http(`${proxied.url}/api/organizations/${s.w.orgA}/customers`, { headers: key })).status).toBe(200);
    expect((await http(`${proxied.url}/api/organizations/${s.w.orgB}/customers`, { headers: key })).status).toBe(404);
    const write = await http(`${proxied.url}/api/organizations/${s.w.orgA}/members`, { body: { email: 'new@a.example', role: 'viewer' }, headers: key });
    expect(write.status).toBe(403);
    expect(isJsonRefusal(write)).toBe(true);
    const listed = await http(`${proxied.url}/api/me/api-keys`, { headers: { cookie: c.cookie } });
    const item = (listed.json().items as { name: string; organizationId: string; readOnly: boolean; expiresAt: string }[]).find((k) => k.name === 'reporting')!;
    expect(item).toMatchObject({ organizationId: s.w.orgA, readOnly: true });
    expect(new Date(item.expiresAt).toISOString()).toBe(expiresAt);
    // A key for an organization the user is not in, or already expired, is refused.
    const elsewhere = await http(`${proxied.url}/api/me/api-keys`, { body: { name: 'x', organizationId: '00000000-0000-4000-8000-000000000001' }, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf } });
    expect(elsewhere.status).toBe(404);
    const past = await http(`${proxied.url}/api/me/api-keys`, { body: { name: 'x', expiresAt: '2020-01-01T00:00:00Z' }, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf } });
    expect(past.status).toBe(400);
    expect(past.json().error!.field).toBe('expiresAt');
  });
});
