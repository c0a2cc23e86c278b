/**
 * The providers' OAuth app settings: read from the environment, each problem one line naming the
 * variable and never echoing a secret, and the providers' own URLs filled in where none is set.
 */
import { describe, expect, it } from 'vitest';
import { HUBSPOT_AUTHORIZE_URL, HUBSPOT_TOKEN_URL } from '../../connectors/hubspot/profile.ts';
import { QUICKBOOKS_AUTHORIZE_URL, QUICKBOOKS_TOKEN_URL, QUICKBOOKS_API_URL } from '../../connectors/quickbooks/profile.ts';
import { loadConfig } from '../../core/config.ts';
import { providerAppsFrom } from '../../server/oauth/index.ts';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    return (e as Error).message.split('\n');
  }
  return [];
};

describe('provider app settings', () => {
  it('configures only the providers with a client id and secret, with their own URLs unless overridden', () => {
    const config = loadConfig({
      RELANCE_QUICKBOOKS_CLIENT_ID: 'qb-id', RELANCE_QUICKBOOKS_CLIENT_SECRET: 'qb-secret', RELANCE_QUICKBOOKS_WEBHOOK_KEY: 'verifier',
      RELANCE_HUBSPOT_CLIENT_ID: 'hs-id', RELANCE_HUBSPOT_CLIENT_SECRET: 'hs-secret', RELANCE_HUBSPOT_API_URL: 'http://127.0.0.1:4002/',
    });
    expect(providerAppsFrom(config.providerApps)).toEqual({
      quickbooks: { clientId: 'qb-id', clientSecret: 'qb-secret', authorizeUrl: QUICKBOOKS_AUTHORIZE_URL, tokenUrl: QUICKBOOKS_TOKEN_URL, apiUrl: QUICKBOOKS_API_URL, webhookKey: 'verifier' },
      hubspot: { clientId: 'hs-id', clientSecret: 'hs-secret', authorizeUrl: HUBSPOT_AUTHORIZE_URL, tokenUrl: HUBSPOT_TOKEN_URL, apiUrl: 'http://127.0.0.1:4002', webhookKey: null },
    });
    expect(loadConfig({}).providerApps).toEqual({});
  });

  it('reports each missing partner on its own line, naming the variable', () => {
    expect(problems({ RELANCE_XERO_CLIENT_SECRET: 'x-secret', RELANCE_HUBSPOT_CLIENT_ID: 'hs-id', RELANCE_QUICKBOOKS_API_URL: 'http://127.0.0.1:4000' })).toEqual([
      'RELANCE_QUICKBOOKS_CLIENT_ID: required with RELANCE_QUICKBOOKS_API_URL',
      'RELANCE_XERO_CLIENT_ID: required with RELANCE_XERO_CLIENT_SECRET',
      'RELANCE_HUBSPOT_CLIENT_SECRET: required with RELANCE_HUBSPOT_CLIENT_ID',
    ]);
  });

  it('refuses a malformed URL naming it, and never echoes a secret or a URL', () => {
    const lines = problems({ RELANCE_XERO_TOKEN_URL: 'identity.xero.com/token', RELANCE_XERO_CLIENT_SECRET: '', RELANCE_XERO_CLIENT_ID: 'x' });
    expect(lines).toEqual(['RELANCE_XERO_TOKEN_URL: expected an absolute URL']);
    const secret = problems({ RELANCE_XERO_CLIENT_ID: 'x', RELANCE_XERO_CLIENT_SECRET: 'hunter2', RELANCE_XERO_API_URL: 'nope' });
    expect(secret.join('\n')).not.toMatch(/hunter2|nope/);
  });
});
