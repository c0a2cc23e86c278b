/**
 * What stands before every accounting call, in Xero's order: injected faults, the bearer token,
 * the `xero-tenant-id` header, then the tenant's and the app's rate limits.
 * https://developer.xero.com/documentation/guides/oauth2/limits/
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector } from '../shared/faults.ts';
import { forbidden, serverError, tooManyRequests, unauthorized } from './errors.ts';
import { bearerOf } from './identity.ts';
import { XeroLimits } from './limits.ts';
import type { TokenIssuer } from './tokens.ts';

export interface GateDeps {
  faults: FaultInjector;
  tokens: TokenIssuer;
  limits: XeroLimits;
  tenantId: string;
  now: () => number;
  /** How long a `timeout` fault holds a request (about 30 s, as a hung gateway would). */
  timeoutHoldMs: number;
  /** Pending holds, cancelled when the app closes so that close() is not kept waiting. */
  holds: Set<() => void>;
}

export function makeGate(deps: GateDeps) {
  return async function gate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const fault = deps.faults.take(request.url);
    if (fault?.kind === 'token_expired') return unauthorized(reply, deps.now() - 1000);
    if (fault?.kind === 'token_revoked') return unauthorized(reply, null);

    const token = bearerOf(request);
    const check = token ? deps.tokens.checkAccess(token) : { ok: false as const, expiredAtMs: null };
    if (!check.ok) return unauthorized(reply, check.expiredAtMs);

    if (request.headers['xero-tenant-id'] !== deps.tenantId) return forbidden(reply);

    if (fault?.kind === 'rate_limit_storm') return tooManyRequests(reply, 'minute', 1);
    const admission = deps.limits.acquire(deps.tenantId);
    XeroLimits.setHeaders(reply, admission.state);
    if (!admission.ok) return tooManyRequests(reply, admission.rule.name, admission.retryAfterSeconds);
    // A concurrent slot is held until the answer is out or the client has gone away.
    reply.raw.once('close', admission.release);
    // A failing or hung call still counts against the limits and holds its slot, as at Xero.
    if (fault?.kind === 'server_error') return serverError(reply);
    if (fault?.kind === 'timeout') return holdThenGiveUp(deps, reply);
    return undefined;
  };
}

async function holdThenGiveUp(deps: GateDeps, reply: FastifyReply): Promise<FastifyReply> {
  await hold(deps, reply);
  // If the client is still there after the hold, Xero's gateway gives up with a 504.
  return reply.code(504).type('text/plain').send('Gateway Timeout');
}

function hold(deps: GateDeps, reply: FastifyReply): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      deps.holds.delete(done);
      resolve();
    };
    const timer = setTimeout(done, deps.timeoutHoldMs);
    reply.raw.once('close', done);
    deps.holds.add(done);
  });
}
