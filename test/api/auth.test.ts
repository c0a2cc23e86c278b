/** Login, sessions, CSRF, API keys and the login rate limit, through the real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../core/access/index.ts';
import { createWorld, PASSWORD, TEST_SCRYPT, type World } from './world.ts';

let w: World;
let https: World;
beforeAll(async () => {
  w = await createWorld();
  https = await createWorld({ publicUrl: 'https://relance.example.com' });
}, 60_000);
afterAll(async () => {
  await w.close();
  await https.close();
});

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const set = res.headers['set-cookie'];
  const line = Array.isArray(set) ? String(set[0]) : String(set);
  return line.split(';')[0]!;
}

async function login(world: World, email: string, password = PASSWORD, ip = '10.0.0.1') {
  return world.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: ip });
}

describe('login and sessions', () => {
  it('sets an httpOnly SameSite=Lax session cookie and returns the CSRF token', async () => {
    const res = await login(w, 'Admin@A.example');
    expect(res.statusCode, res.body).toBe(200);
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^relance_session=/);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).not.toMatch(/Secure/);
    expect(res.json().csrfToken).toMatch(/^[\w-]{40,}$/);
    const me = await w.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookieOf(res) } });
    expect(me.json()).toMatchObject({ user: { email: 'admin@a.example' }, via: 'session', csrfToken: res.json().csrfToken });
    expect(me.json().memberships).toEqual([{ organizationId: w.orgA, role: 'admin', assignedOnly: false }]);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const res = await login(https, 'admin@a.example');
    expect(String(res.headers['set-cookie'])).toMatch(/Secure/);
  });

  it('answers the same 401 for a wrong password and an unknown email', async () => {
    const wrong = await login(w, 'viewer@a.example', 'not the password at all', '10.0.0.2');
    const unknown = await login(w, 'nobody@a.example', PASSWORD, '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a body without a password with 400 naming the field', async () => {
    const res = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@a.example' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid', field: 'password' });
  });

  it('requires the CSRF header for cookie-authenticated writes, not for reads or API keys', async () => {
    const res = await login(w, 'admin@a.example', PASSWORD, '10.0.0.3');
    const cookie = cookieOf(res);
    const url = `/api/organizations/${w.orgA}/branding`;
    const payload = { logoUrl: null, primaryColor: '#123456' };
    const without = await w.app.inject({ method: 'PUT', url, headers: { cookie }, payload });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf');
    const wrong = await w.app.inject({ method: 'PUT', url, headers: { cookie, 'x-csrf-token': 'x'.repeat(43) }, payload });
    expect(wrong.statusCode).toBe(403);
    const right = await w.app.inject({ method: 'PUT', url, headers: { cookie, 'x-csrf-token': res.json().csrfToken }, payload });
    expect(right.statusCode, right.body).toBe(200);
    const read = await w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}`, headers: { cookie } });
    expect(read.statusCode).toBe(200);
    const byKey = await w.app.inject({ method: 'PUT', url, headers: w.as('adminA'), payload });
    expect(byKey.statusCode).toBe(200);
  });

  it('logout ends the session', async () => {
    const res = await login(w, 'collector@a.example', PASSWORD, '10.0.0.4');
    const headers = { cookie: cookieOf(res), 'x-csrf-token': res.json().csrfToken as string };
    expect((await w.app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(204);
    expect((await w.app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
  });

  it('limits failed logins per account: the sixth attempt is 429 even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await login(w, 'restricted@a.example', 'wrong password ' + i, `10.1.0.${i}`);
      expect(res.statusCode).toBe(401);
    }
    const blocked = await login(w, 'restricted@a.example', PASSWORD, '10.1.0.99');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same addresses is not held back by it.
    expect((await login(w, 'viewer@a.example', PASSWORD, '10.1.0.1')).statusCode).toBe(200);
  });

  it('limits failed logins per IP across accounts', async () => {
    // Known accounts with cheap test hashes (an unknown email costs a full-strength decoy hash).
    for (let u = 0; u < 4; u++) {
      await createUser(w.db.db, { email: `spray${u}@a.example`, password: PASSWORD, scrypt: TEST_SCRYPT });
      for (let i = 0; i < 5; i++) expect((await login(w, `spray${u}@a.example`, 'wrong password', '10.2.0.1')).statusCode).toBe(401);
    }
    const blocked = await login(w, 'admin@a.example', PASSWORD, '10.2.0.1');
    expect(blocked.statusCode).toBe(429);
    expect((await login(w, 'admin@a.example', PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });
});

describe('API keys', () => {
  it('are created from a session (shown once), listed without the secret, and revoked', async () => {
    const res = await login(w, 'viewer@a.example', PASSWORD, '10.0.0.5');
    const headers = { cookie: cookieOf(res), 'x-csrf-token': res.json().csrfToken as string };
    const created = await w.app.inject({ method: 'POST', url: '/api/me/api-keys', headers, payload: { name: 'reporting script' } });
    expect(created.statusCode, created.body).toBe(201);
    const { id, key } = created.json() as { id: string; key: string };
    expect(key).toMatch(/^rlk_/);
    const bearer = { authorization: `Bearer ${key}` };
    expect((await w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}/customers`, headers: bearer })).statusCode).toBe(200);
    const listed = await w.app.inject({ method: 'GET', url: '/api/me/api-keys', headers: bearer });
    expect(listed.body).not.toContain(key);
    expect(listed.json().items.map((k: { id: string }) => k.id)).toContain(id);
    // A key cannot mint keys.
    expect((await w.app.inject({ method: 'POST', url: '/api/me/api-keys', headers: bearer, payload: { name: 'x' } })).statusCode).toBe(403);
    expect((await w.app.inject({ method: 'DELETE', url: `/api/me/api-keys/${id}`, headers })).statusCode).toBe(204);
    const after = await w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}/customers`, headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthorized');
  });

  it('a wrong bearer is 401 even with a valid session cookie', async () => {
    const res = await login(w, 'admin@a.example', PASSWORD, '10.0.0.6');
    const r = await w.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookieOf(res), authorization: 'Bearer rlk_nope' } });
    expect(r.statusCode).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('is public and describes every route with its parameters and bodies', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string }[]; requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    const customers = doc.paths['/api/organizations/{orgId}/customers']!.get!;
    expect(customers.parameters.map((p) => p.name)).toEqual(['orgId', 'limit', 'cursor', 'q', 'sort', 'direction', 'mine', 'overdueOnly', 'minOverdue', 'disputed', 'promised', 'paused', 'onHold', 'riskClass', 'stage', 'collector', 'currency', 'tag', 'all']);
    expect(doc.paths['/api/organizations/{orgId}/scenarios/{name}']!.put!.requestBody).toBeDefined();
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(20);
  });
});
