/** Resolves who is calling: `Authorization: Bearer <API key>` first, else the session cookie. */
import type { FastifyRequest } from 'fastify';
import { resolveApiKey, resolveSession, type Principal } from '../../core/access/index.ts';
import type { Db } from '../../core/store/index.ts';
import { HttpError } from '../api/http-errors.ts';

export const SESSION_COOKIE = 'relance_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export async function resolvePrincipal(db: Db, request: FastifyRequest): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = match ? await resolveApiKey(db, match[1]!) : null;
    // A wrong key is a 401 even when a cookie is also present: a script must learn its key is bad.
    if (!principal) throw new HttpError(401, 'unauthorized', 'the API key is unknown, revoked or expired');
    return principal;
  }
  const token = request.cookies[SESSION_COOKIE];
  return token ? resolveSession(db, token) : null;
}
