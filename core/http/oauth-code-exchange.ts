/**
 * The OAuth 2.0 authorization-code grant (RFC 6749 §4.1.3), the step after the user consents: the
 * code from the redirect is traded for the first token pair. Providers differ only in data, as for
 * the refresh grant (`oauth-refresh.ts`): the token URL and how the client authenticates.
 */
import { z } from 'zod';
import { AuthExpired, ConfigError, InvalidInput } from '../errors.ts';
import { classifyHttpFailure } from './classify.ts';
import { failureFromResponse } from './http-failure.ts';
import type { OAuthClient } from './oauth-refresh.ts';
import type { TokenSet } from './token-refresher.ts';

// https://www.rfc-editor.org/rfc/rfc6749#section-5.1 — a first grant must carry a refresh token for
// Relance to sync unattended (Xero only issues one with the `offline_access` scope).
const codeResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1),
});

export interface CodeGrantRequest {
  code: string;
  redirectUri: string;
}

/** Trades an authorization code for tokens at the provider's token endpoint. */
export async function exchangeAuthorizationCode(client: OAuthClient, request: CodeGrantRequest): Promise<TokenSet> {
  const now = client.now ?? Date.now;
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: request.code, redirect_uri: request.redirectUri });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (client.clientAuth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  const response = await fetch(client.tokenUrl, { method: 'POST', headers, body: form });
  if (!response.ok) {
    const failure = await failureFromResponse(response);
    const code = (failure.body as { error?: unknown } | null)?.error;
    // https://www.rfc-editor.org/rfc/rfc6749#section-5.2 — a used, expired or foreign code.
    if (code === 'invalid_grant') throw new AuthExpired(`${client.provider} token endpoint: invalid_grant (the code is used, expired or was issued for another redirect URI)`, { provider: client.provider, oauthError: code });
    if (code === 'invalid_client') throw new ConfigError(`${client.provider} token endpoint: invalid_client (check the client id and secret)`, { provider: client.provider });
    throw classifyHttpFailure(failure, { provider: client.provider });
  }
  const parsed = codeResponseSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'body';
    throw new InvalidInput(`${client.provider} token endpoint: unexpected answer (${field})`, { field: 'token response' });
  }
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresAt: new Date(now() + parsed.data.expires_in * 1000),
  };
}
