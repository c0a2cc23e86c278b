/**
 * CSRF for the console: a synchronizer token per session. Login returns it and `GET /api/auth/me`
 * repeats it; every cookie-authenticated write must send it back in `X-CSRF-Token`. A forged
 * cross-site form can carry the cookie (SameSite=Lax still lets top-level POSTs through from some
 * browsers' older modes) but cannot read the token. API-key calls carry no cookie: nothing to forge.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../api/http-errors.ts';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws 403 when a cookie-authenticated unsafe request lacks the session's CSRF token. */
export function checkCsrf(request: FastifyRequest): void {
  const principal = request.principal;
  if (!principal || principal.via !== 'session' || SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
    throw new HttpError(403, 'csrf', `missing or wrong ${CSRF_HEADER} header`, CSRF_HEADER);
  }
}
