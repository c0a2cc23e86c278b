/**
 * What stands before every Accounting API call, in QuickBooks' order: injected faults, the bearer
 * token, then the realm's throttles (an injected hang comes last, holding its slot). A refusal is thrown as a `QboFault` in the provider's shape.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Fault } from '../shared/contract.ts';
import type { FaultInjector } from '../shared/faults.ts';
import type { RateLimiter } from '../shared/rate-limit.ts';
import {
  authenticationFault,
  authorizationFault,
  systemFault,
  throttledFault,
  timeoutFault,
  type QboFault,
} from './fault-shapes.ts';
import type { TokenBook } from './tokens.ts';

// How long a `timeout` fault holds a request before answering, unless the client leaves first.
export const HELD_REQUEST_MS = 30_000;
// A `rate_limit_storm` answers 429s with a short Retry-After so that a client honouring it stays
// testable; the limiter's own refusals say exactly when a slot frees.
const STORM_RETRY_AFTER_S = 1;

export interface GuardDeps {
  realmId: string;
  book: TokenBook;
  limiter: RateLimiter;
  faults: FaultInjector;
  /** Resolvers of held requests, released when the app closes. */
  held: Set<() => void>;
}

function hold(reply: FastifyReply, held: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      held.delete(done);
      resolve();
    };
    const timer = setTimeout(done, HELD_REQUEST_MS);
    held.add(done);
    reply.raw.once('close', done);
  });
}

async function faultAnswer(fault: Fault, reply: FastifyReply, held: Set<() => void>): Promise<QboFault> {
  switch (fault.kind) {
    case 'server_error':
      return systemFault();
    case 'timeout':
      await hold(reply, held);
      return timeoutFault();
    case 'rate_limit_storm':
      return throttledFault(STORM_RETRY_AFTER_S);
    case 'token_expired':
      return authenticationFault('Token expired: the access token has expired; refresh it');
    case 'token_revoked':
      return authenticationFault('Token revoked: the app was disconnected from this company');
  }
}

export function requestGuard(deps: GuardDeps) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = req.url.split('?')[0]!;
    const fault = deps.faults.take(path);
    // A hung request is one the backend accepted: it holds its concurrency slot while it hangs.
    if (fault && fault.kind !== 'timeout') throw await faultAnswer(fault, reply, deps.held);

    // https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes (3200)
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw authenticationFault('Authorization header missing or not a bearer token');
    const status = deps.book.checkAccess(m[1]!);
    if (status === 'expired') throw authenticationFault('Token expired: the access token has expired; refresh it');
    if (status === 'revoked') throw authenticationFault('Token revoked: the app was disconnected from this company');
    if (status !== 'ok') throw authenticationFault('Token invalid: the access token is not recognised');
    const realmId = (req.params as { realmId?: string }).realmId;
    if (realmId !== deps.realmId) throw authorizationFault(realmId ?? '');

    const admission = deps.limiter.acquire(deps.realmId);
    if (!admission.ok) throw throttledFault(admission.retryAfterSeconds);
    reply.raw.once('close', admission.release);
    if (fault) throw await faultAnswer(fault, reply, deps.held);
  };
}
