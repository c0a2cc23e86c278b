/**
 * Console login and logout, the caller's own API keys, and the hooks that resolve the principal
 * and enforce CSRF on every admin API request.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import {
  authenticate, createApiKey, createSession, listApiKeys, LOGIN_LIMITS, membershipIn, releaseAttempt, reserveAttempt, resetLimit, revokeApiKey, revokeSession,
  SESSION_TTL_MS, setPassword, verifyPassword,
} from '../../core/access/index.ts';
import { users } from '../../core/store/schema/index.ts';
import type { ApiScope } from '../api/context.ts';
import { HttpError, unauthorized } from '../api/http-errors.ts';
import { defineRoute } from '../api/route.ts';
import { checkCsrf } from './csrf.ts';
import { resolvePrincipal, SESSION_COOKIE } from './principal.ts';

const loginBody = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) });
const apiKeyBody = z.object({
  name: z.string().min(1).max(100),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  /** Scope: one organization only (the caller must be a member), and/or reads only. */
  organizationId: z.uuid().optional(),
  readOnly: z.boolean().optional(),
});
const passwordBody = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) });
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function tooMany(ms: number, reply: { header(name: string, value: string): unknown }): HttpError {
  reply.header('retry-after', String(Math.ceil(ms / 1000)));
  return new HttpError(429, 'rate_limited', 'too many failed logins; try again later');
}

function describeMe(request: FastifyRequest) {
  const p = request.principal!;
  return { user: { id: p.userId, email: p.email }, via: p.via, csrfToken: p.csrfToken, memberships: p.memberships };
}

/** The hooks: every request of the scope gets its principal; cookie writes must carry the CSRF token. */
export async function authHooks(app: FastifyInstance, scope: ApiScope): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('principal', null);
  app.addHook('preHandler', async (request) => {
    request.principal = await resolvePrincipal(scope.db, request);
    checkCsrf(request);
    if (request.principal?.readOnly && !SAFE_METHODS.has(request.method)) throw new HttpError(403, 'forbidden', 'this API key is read-only');
  });
}

export function authRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;
  const secure = scope.publicUrl?.startsWith('https:') ?? false;

  defineRoute(app, registry, { method: 'POST', url: '/api/auth/login', summary: 'Log in (sets the session cookie)', tag: 'auth', auth: 'public', body: loginBody }, async ({ request, reply, body }) => {
    // The failure is reserved before the password is checked (core/access/rate-limit.ts): a burst
    // of parallel guesses gets `max` evaluations, not one per request. request.ip is the client's
    // address, from X-Forwarded-For only when the peer is one of RELANCE_TRUSTED_PROXIES.
    const ipKey = `login-ip:${request.ip}`;
    const accountKey = `login-account:${body.email.trim().toLowerCase()}`;
    const reserved = await reserveAttempt(db, [{ key: ipKey, rule: LOGIN_LIMITS.ip }, { key: accountKey, rule: LOGIN_LIMITS.account }]);
    if (!reserved.allowed) throw tooMany(reserved.retryAfterMs, reply);
    const user = await authenticate(db, body.email, body.password);
    if (!user) throw new HttpError(401, 'unauthorized', 'wrong email or password');
    await resetLimit(db, accountKey);
    await releaseAttempt(db, ipKey);
    const session = await createSession(db, { userId: user.id, ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
    reply.setCookie(SESSION_COOKIE, session.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return { user: { id: user.id, email: user.email }, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/auth/logout', summary: 'Log out (ends the session)', tag: 'auth', status: 204 }, async ({ principal, reply }) => {
    if (principal.sessionId) await revokeSession(db, principal.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/auth/me', summary: 'The caller, their memberships and CSRF token', tag: 'auth' }, async ({ request }) => describeMe(request));

  defineRoute(app, registry, { method: 'GET', url: '/api/me/api-keys', summary: "The caller's API keys", tag: 'auth' }, async ({ principal }) => ({
    items: await listApiKeys(db, principal.userId),
  }));

  defineRoute(app, registry, { method: 'POST', url: '/api/me/api-keys', summary: 'Create an API key (shown once), optionally for one organization, read-only, expiring', tag: 'auth', body: apiKeyBody, status: 201 }, async ({ principal, body }) => {
    // A key made with a key would let a leaked key outlive its own revocation: only a person logs in to make one.
    if (principal.via !== 'session') throw new HttpError(403, 'forbidden', 'API keys are created from a console session');
    if (body.organizationId && !membershipIn(principal, body.organizationId)) throw new HttpError(404, 'not_found', 'organization not found', 'organizationId');
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new HttpError(400, 'invalid', 'expiresAt: must be in the future', 'expiresAt');
    return createApiKey(db, { userId: principal.userId, name: body.name, expiresAt, organizationId: body.organizationId ?? null, readOnly: body.readOnly ?? false });
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/me/password', summary: "Change one's password (ends the user's other sessions)", tag: 'auth', body: passwordBody, status: 204 }, async ({ principal, body, reply }) => {
    if (principal.via !== 'session') throw new HttpError(403, 'forbidden', 'a password is changed from a console session');
    // The current password is checked under the account's login limit: a stolen session cannot guess it freely.
    const accountKey = `login-account:${principal.email}`;
    const reserved = await reserveAttempt(db, [{ key: accountKey, rule: LOGIN_LIMITS.account }]);
    if (!reserved.allowed) throw tooMany(reserved.retryAfterMs, reply);
    const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, principal.userId));
    if (!(await verifyPassword(body.currentPassword, row?.hash ?? null))) throw new HttpError(400, 'invalid', 'currentPassword: wrong password', 'currentPassword');
    await resetLimit(db, accountKey);
    await setPassword(db, principal.userId, body.newPassword, undefined, principal.sessionId);
  });

  defineRoute(app, registry, { method: 'DELETE', url: '/api/me/api-keys/:keyId', summary: 'Revoke an API key', tag: 'auth', params: z.object({ keyId: z.uuid() }), status: 204 }, async ({ principal, params }) => {
    if (!principal) throw unauthorized();
    await revokeApiKey(db, principal.userId, params.keyId);
  });
}
