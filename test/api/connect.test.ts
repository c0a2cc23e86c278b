/**
 * Connecting from the console through the admin API: which providers are configured, the consent
 * URL (the app's client id, the callback on the public URL or the request's own origin, a sealed
 * state naming the organization, who asked and, for a reconnect, the connection), and the 400s
 * naming `provider`; the new routes are in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openState } from '../../server/oauth/index.ts';
import { auditKinds, createWorld, type World } from './world.ts';

let w: World;
let pub: World;
beforeAll(async () => {
  w = await createWorld();
  pub = await createWorld({ publicUrl: 'https://relance.example.com/' });
}, 60_000);
afterAll(async () => {
  await w.close();
  await pub.close();
});

const connect = (world: World, body: unknown) => world.app.inject({ method: 'POST', url: `/api/organizations/${world.orgA}/connections`, headers: world.as('adminA'), payload: body as object });

describe('GET /api/providers', () => {
  it('says which providers have an app configured, to any logged-in user', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/api/providers', headers: w.as('viewerA') });
    expect(res.json()).toEqual({ items: [{ provider: 'quickbooks', configured: true }, { provider: 'xero', configured: false }, { provider: 'hubspot', configured: false }] });
    expect((await w.app.inject({ method: 'GET', url: '/api/providers' })).statusCode).toBe(401);
  });
});

describe('POST /api/organizations/:orgId/connections', () => {
  it("answers the provider's consent URL with a sealed state for this organization and user, and audits it", async () => {
    const res = await connect(w, { provider: 'quickbooks' });
    expect(res.statusCode, res.body).toBe(201);
    const url = new URL(res.json().authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe('https://appcenter.example/connect/oauth2');
    expect(url.searchParams.get('client_id')).toBe('qb-client');
    // No public URL: the callback is on the origin the request came to.
    expect(url.searchParams.get('redirect_uri')).toBe('http://localhost:80/oauth/quickbooks/callback');
    const state = openState(w.keys, url.searchParams.get('state')!);
    expect(state).toMatchObject({
      provider: 'quickbooks', organizationId: w.orgA, actor: `user:${w.users.adminA.id}`, clientSecret: 'qb-secret',
      tokenUrl: 'https://oauth.example/tokens/bearer', baseUrl: 'https://quickbooks.example', redirectUri: 'http://localhost:80/oauth/quickbooks/callback',
    });
    expect(state.connectionId).toBeUndefined();
    expect((await auditKinds(w, w.orgA))[0]).toEqual({ kind: 'audit.connection.connect', actor: `user:${w.users.adminA.id}` });
  });

  it('puts the callback on the public URL when one is set', async () => {
    const url = new URL((await connect(pub, { provider: 'quickbooks' })).json().authorizeUrl);
    expect(url.searchParams.get('redirect_uri')).toBe('https://relance.example.com/oauth/quickbooks/callback');
  });

  it('answers 400 naming provider for an unknown one and for one without an app', async () => {
    const unknown = await connect(w, { provider: 'sage' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ field: 'provider', message: expect.stringContaining('"sage"') });
    const unconfigured = await connect(w, { provider: 'xero' });
    expect(unconfigured.statusCode).toBe(400);
    expect(unconfigured.json().error).toMatchObject({ field: 'provider', message: expect.stringContaining('RELANCE_XERO_CLIENT_ID') });
    expect((await connect(w, {})).json().error.field).toBe('provider');
  });
});

describe('POST /api/organizations/:orgId/connections/:connectionId/reconnect', () => {
  it('answers the consent URL for the same provider, the state naming the connection', async () => {
    const res = await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgA}/connections/${w.connA}/reconnect`, headers: w.as('adminA') });
    expect(res.statusCode, res.body).toBe(200);
    const state = openState(w.keys, new URL(res.json().authorizeUrl).searchParams.get('state')!);
    expect(state).toMatchObject({ provider: 'quickbooks', organizationId: w.orgA, connectionId: w.connA });
  });

  it("is 404 for another organization's connection, 403 for a collector", async () => {
    const other = await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgA}/connections/${w.connB}/reconnect`, headers: w.as('adminA') });
    expect(other.statusCode).toBe(404);
    const collector = await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgA}/connections/${w.connA}/reconnect`, headers: w.as('collectorA') });
    expect(collector.statusCode).toBe(403);
  });
});

describe('the OpenAPI document', () => {
  it('describes the connect, unapplied-money and template routes', async () => {
    const doc = (await w.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/organizations/{orgId}/connections']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/api/organizations/{orgId}/connections/{connectionId}/reconnect']).toHaveProperty('post');
    expect(doc.paths['/api/providers']).toHaveProperty('get');
    expect(doc.paths['/api/organizations/{orgId}/unapplied-suggestions/{suggestionId}/accept']).toHaveProperty('post');
    expect(Object.keys(doc.paths['/api/organizations/{orgId}/templates/{channel}/{name}/{language}']!)).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    expect(doc.paths['/api/organizations/{orgId}/templates/{channel}/{name}/{language}/preview']).toHaveProperty('post');
  });
});
