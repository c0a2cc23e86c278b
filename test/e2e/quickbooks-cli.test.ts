/** `relance connect quickbooks` and `relance sync` as a user runs them, against the sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { keySpec } from '../sync/support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 46, invoices: 200, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  env = { DATABASE_URL: db.url, RELANCE_SECRET_KEY: keySpec, RELANCE_PUBLIC_URL: 'https://relance.example.test' };
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  await db?.drop();
});

describe('relance connect quickbooks / relance sync', () => {
  it('prints the authorization URL with the callback on the server', async () => {
    const result = await runCli(['connect', 'quickbooks', '--client-id', 'cid', '--client-secret', 'secret'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { authorizationUrl, redirectUri } = JSON.parse(result.stdout) as { authorizationUrl: string; redirectUri: string };
    expect(redirectUri).toBe('https://relance.example.test/oauth/quickbooks/callback');
    const url = new URL(authorizationUrl);
    expect(url.origin + url.pathname).toBe('https://appcenter.intuit.com/connect/oauth2');
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUri);
    expect(url.searchParams.get('state')).toBeTruthy();
  }, 60_000);

  it('connects with a sandbox\'s tokens, then syncs it', async () => {
    const qb = sandbox.quickbooks;
    const connect = await runCli(['connect', 'quickbooks', '--client-id', qb.clientId!, '--client-secret', qb.clientSecret!, '--base-url', qb.baseUrl,
      '--webhook-key', qb.webhookVerifierToken!, '--access-token', qb.accessToken!, '--refresh-token', qb.refreshToken!, '--realm-id', qb.realmId!, '--stage-field', '1'], env);
    expect(connect.stderr).toBe('');
    const { connectionId, displayName } = JSON.parse(connect.stdout) as { connectionId: string; displayName: string };
    expect(displayName).toBe(sandbox.world.quickbooks.organizationName);
    const sync = await runCli(['sync', connectionId, '--quiet'], env);
    expect(sync.code).toBe(0);
    const report = JSON.parse(sync.stdout) as { streams: Record<string, { pulled: number }> };
    expect(report.streams.invoice!.pulled).toBeGreaterThan(0);
  }, 60_000);

  it('fails with one line naming the problem', async () => {
    const badId = await runCli(['sync', 'not-an-id'], env);
    expect(badId.code).toBe(1);
    expect(badId.stderr.trim()).toBe('relance: connection: "not-an-id" is not a connection id');
    const unknown = await runCli(['sync', '00000000-0000-4000-8000-000000000000'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/connection 00000000-0000-4000-8000-000000000000 does not exist/);
    const badField = await runCli(['connect', 'quickbooks', '--client-id', 'c', '--client-secret', 's', '--stage-field', 'abc'], env);
    expect(badField.code).toBe(1);
    expect(badField.stderr.trim()).toBe('relance: --stage-field: a custom field DefinitionId');
  }, 60_000);
});
