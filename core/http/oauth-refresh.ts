/**
 * The standard OAuth 2.0 refresh-token grant (RFC 6749 §6), as a `RefreshGrant` for the token
 * refresher. Providers differ only in data: the token URL and how the client authenticates
 * (QuickBooks and Xero: HTTP Basic; HubSpot: client id and secret in the form body).
 */
import { z } from 'zod';
import { AuthExpired, ConfigError, InvalidInput } from '../errors.ts';
import { classifyHttpFailure } from './classify.ts';
import { failureFromResponse } from './http-failure.ts';
import type { RefreshGrant, TokenSet } from './token-refresher.ts';

export interface OAuthClient {
  provider: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  clientAuth: 'basic' | 'body';
  now?: () => number;
}

// https://www.rfc-editor.org/rfc/rfc6749#section-5.1
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  // Optional: a provider that does not rotate (HubSpot) may leave it out; the old one stays.
  refresh_token: z.string().min(1).optional(),
});

// https://www.rfc-editor.org/rfc/rfc6749#section-5.2 — the grant itself is dead: the user must reconnect.
const DEAD_GRANT = new Set(['invalid_grant', 'unauthorized_client']);

/** A `RefreshGrant` that calls the provider's token endpoint with `fetch`. */
export function oauthRefreshGrant(client: OAuthClient): RefreshGrant {
  const now = client.now ?? Date.now;
  return async (refreshToken) => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (client.clientAuth === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    } else {
      form.set('client_id', client.clientId);
      form.set('client_secret', client.clientSecret);
    }
    const response = await fetch(client.tokenUrl, { method: 'POST', headers, body: form });
    if (!response.ok) throw tokenEndpointError(client.provider, await failureFromResponse(response));
    const parsed = tokenResponseSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) {
      throw new InvalidInput(`${client.provider} token endpoint: unexpected answer (${parsed.error.issues[0]?.path.join('.') || 'body'})`, { field: 'token response' });
    }
    const body = parsed.data;
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? refreshToken,
      expiresAt: new Date(now() + body.expires_in * 1000),
    } satisfies TokenSet;
  };
}

function tokenEndpointError(provider: string, failure: Parameters<typeof classifyHttpFailure>[0]) {
  const code = (failure.body as { error?: unknown } | null)?.error;
  if (typeof code === 'string' && DEAD_GRANT.has(code)) return new AuthExpired(`${provider} token endpoint: ${code}`, { provider, status: failure.status, oauthError: code });
  // Our own client credentials are wrong: an operator fixes the settings, the user cannot.
  if (code === 'invalid_client') return new ConfigError(`${provider} token endpoint: invalid_client (check the client id and secret)`, { provider, status: failure.status });
  // Anything else (5xx, 429) changes nothing and may pass; a bare 401 (no OAuth error code) is
  // read as a refused grant by the generic classifier.
  return classifyHttpFailure(failure, { provider });
}
