/**
 * Xero's identity service: the authorize stand-in, the token endpoint (authorization_code and
 * refresh_token grants) and the connections list.
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenIssuer } from './tokens.ts';

export interface AppIdentity {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  tenantName: string;
  connectionId: string;
  authEventId: string;
  createdMs: number;
}

type Form = Record<string, string>;

/** Client authentication: HTTP Basic (what Xero documents) or client_id/client_secret in the form. */
function clientOf(request: FastifyRequest, form: Form): { id: string; secret: string } | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  if (form.client_id && form.client_secret) return { id: form.client_id, secret: form.client_secret };
  return null;
}

function oauthError(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ error });
}

export function registerIdentity(app: FastifyInstance, ident: AppIdentity, tokens: TokenIssuer): void {
  // https://developer.xero.com/documentation/guides/oauth2/auth-flow#2-users-are-redirected-back-to-you-with-a-code
  app.get('/identity/connect/authorize', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    if (q.client_id !== ident.clientId) return reply.code(400).type('text/plain').send('unauthorized_client');
    if (q.response_type !== 'code' || !q.redirect_uri) return reply.code(400).type('text/plain').send('invalid_request');
    const code = tokens.newCode(q.redirect_uri, q.scope ?? '');
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    return reply.redirect(target.toString(), 302);
  });

  // https://developer.xero.com/documentation/guides/oauth2/auth-flow#3-exchange-the-code
  // https://developer.xero.com/documentation/guides/oauth2/auth-flow#refreshing-access-tokens
  app.post('/connect/token', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const client = clientOf(request, form);
    if (!client || client.id !== ident.clientId || client.secret !== ident.clientSecret) {
      return oauthError(reply, 400, 'invalid_client');
    }
    if (form.grant_type === 'authorization_code') {
      const set = form.code && form.redirect_uri ? tokens.redeemCode(form.code, form.redirect_uri) : null;
      return set ? reply.send(set) : oauthError(reply, 400, 'invalid_grant');
    }
    if (form.grant_type === 'refresh_token') {
      const set = form.refresh_token ? tokens.redeemRefresh(form.refresh_token) : null;
      return set ? reply.send(set) : oauthError(reply, 400, 'invalid_grant');
    }
    return oauthError(reply, 400, 'unsupported_grant_type');
  });

  // https://developer.xero.com/documentation/guides/oauth2/auth-flow#5-check-the-tenants-youre-authorized-to-access
  app.get('/connections', async (request, reply) => {
    const token = bearerOf(request);
    const check = token ? tokens.checkAccess(token) : { ok: false as const, expiredAtMs: null };
    if (!check.ok) return reply.code(401).send({ Type: null, Title: 'Unauthorized', Status: 401, Detail: 'AuthenticationUnsuccessful' });
    const when = new Date(ident.createdMs).toISOString().replace('Z', '0000');
    return reply.send([
      {
        id: ident.connectionId,
        authEventId: ident.authEventId,
        tenantId: ident.tenantId,
        tenantType: 'ORGANISATION',
        tenantName: ident.tenantName,
        createdDateUtc: when,
        updatedDateUtc: when,
      },
    ]);
  });
}

export function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

/** Fastify has no form parser of its own; the token endpoint takes application/x-www-form-urlencoded. */
export function addFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}
