/**
 * The OAuth 2.0 endpoints of Intuit's identity platform: the authorize page (a stand-in that
 * consents at once and redirects with `code`, `state` and `realmId`), the token endpoint and
 * revocation. Token errors use the OAuth 2.0 `{"error": …}` shape, not QuickBooks' Fault.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TokenBook, TokenSet } from './tokens.ts';

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  realmId: string;
}

const authorizeQuery = z.object({
  client_id: z.string().min(1),
  response_type: z.string().optional(),
  scope: z.string().optional(),
  redirect_uri: z.string().url(),
  state: z.string().optional(),
});

const tokenBody = z.object({
  grant_type: z.string(),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  refresh_token: z.string().optional(),
});

function basicClient(req: FastifyRequest): { id: string; secret: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function oauthError(reply: FastifyReply, status: number, error: string, description?: string): FastifyReply {
  return reply.code(status).send(description ? { error, error_description: description } : { error });
}

function redirectWith(reply: FastifyReply, target: string, params: Record<string, string | undefined>): FastifyReply {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return reply.redirect(url.toString(), 302);
}

export function registerOAuthRoutes(app: FastifyInstance, book: TokenBook, oauth: OAuthApp): void {
  app.get('/connect/oauth2', async (req, reply) => {
    const parsed = authorizeQuery.safeParse(req.query);
    if (!parsed.success) return oauthError(reply, 400, 'invalid_request', parsed.error.issues[0]?.path.join('.'));
    const q = parsed.data;
    if (q.client_id !== oauth.clientId) return oauthError(reply, 400, 'invalid_client');
    if (q.response_type !== 'code') return redirectWith(reply, q.redirect_uri, { error: 'unsupported_response_type', state: q.state });
    if (!q.scope?.split(/\s+/).includes('com.intuit.quickbooks.accounting')) {
      return redirectWith(reply, q.redirect_uri, { error: 'invalid_scope', state: q.state });
    }
    return redirectWith(reply, q.redirect_uri, { code: book.newCode(q.redirect_uri), state: q.state, realmId: oauth.realmId });
  });

  app.post('/oauth2/v1/tokens/bearer', async (req, reply) => {
    const client = basicClient(req);
    if (!client || client.id !== oauth.clientId || client.secret !== oauth.clientSecret) return oauthError(reply, 401, 'invalid_client');
    const parsed = tokenBody.safeParse(req.body ?? {});
    if (!parsed.success) return oauthError(reply, 400, 'invalid_request');
    const body = parsed.data;
    let tokens: TokenSet | null | string;
    if (body.grant_type === 'authorization_code') {
      if (!body.code || !body.redirect_uri) return oauthError(reply, 400, 'invalid_request');
      tokens = book.redeemCode(body.code, body.redirect_uri);
    } else if (body.grant_type === 'refresh_token') {
      if (!body.refresh_token) return oauthError(reply, 400, 'invalid_request');
      tokens = book.useRefresh(body.refresh_token);
    } else {
      return oauthError(reply, 400, 'unsupported_grant_type');
    }
    if (tokens === null || typeof tokens === 'string') return oauthError(reply, 400, 'invalid_grant', 'Incorrect or invalid refresh token');
    return reply.header('Cache-Control', 'no-store').send(tokens);
  });

  // https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0#revoke-token-disconnect
  app.post('/v2/oauth2/tokens/revoke', async (req, reply) => {
    const client = basicClient(req);
    if (!client || client.id !== oauth.clientId || client.secret !== oauth.clientSecret) return oauthError(reply, 401, 'invalid_client');
    const token = z.object({ token: z.string() }).safeParse(req.body ?? {});
    if (!token.success) return oauthError(reply, 400, 'invalid_request');
    book.revoke(token.data.token);
    return reply.code(200).send('');
  });
}
