/**
 * What runs before every API route, in HubSpot's order: an injected fault (the test asked for a
 * failure), then the bearer token and its scopes (a bad token or a missing scope is refused without
 * counting against limits), then the portal's limits. Answers carry the X-HubSpot-RateLimit-* headers, search answers excepted.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Fault } from '../shared/contract.ts';
import type { FaultInjector } from '../shared/faults.ts';
import type { RateLimiter } from '../shared/rate-limit.ts';
import { expired, unauthenticated } from './auth.ts';
import type { TokenRegistry } from './auth.ts';
import { errorBody, HubspotHttpError, sendError } from './errors.ts';
import { rateLimitBody, rateLimitHeaders, RULE_TEN_SECONDLY } from './limits.ts';
import { checkScopes, requiredScopes } from './scopes.ts';

/** How long a `timeout` fault holds a request when the client does not give up first. */
export const TIMEOUT_HOLD_MS = 30_000;

export interface GuardDeps {
  tokens: TokenRegistry;
  /** Private-app requests. */
  general: RateLimiter;
  /** OAuth-token requests: their own per-account limit. */
  oauth: RateLimiter;
  search: RateLimiter;
  faults: FaultInjector;
  portalId: string;
  now: () => number;
}

export function isSearch(request: FastifyRequest): boolean {
  return request.method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search\/?$/.test(pathOf(request));
}

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}

export function registerGuard(app: FastifyInstance, deps: GuardDeps): void {
  const holds = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const stop of holds) stop();
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request);
    if (!path.startsWith('/crm/') && !path.startsWith('/oauth/')) return;
    const fault = deps.faults.take(path);
    if (fault) return answerFault(fault, request, reply, deps, holds);
    if (!path.startsWith('/crm/')) return;
    let kind: 'private-app' | 'oauth';
    try {
      const grant = deps.tokens.grant(request.headers.authorization);
      kind = grant.kind;
      checkScopes(grant.scopes, requiredScopes(request.method, path));
    } catch (e) {
      if (e instanceof HubspotHttpError) return sendError(reply, e);
      throw e;
    }
    if (isSearch(request)) {
      const admitted = deps.search.acquire(deps.portalId);
      if (!admitted.ok) return tooMany(reply, admitted.rule.name, admitted.retryAfterSeconds, {});
      admitted.release();
    }
    const admitted = (kind === 'oauth' ? deps.oauth : deps.general).acquire(deps.portalId);
    const headers = isSearch(request) ? {} : rateLimitHeaders(admitted.state);
    if (!admitted.ok) return tooMany(reply, admitted.rule.name, admitted.retryAfterSeconds, headers);
    reply.raw.once('close', admitted.release);
    reply.headers(headers);
  });
}

function tooMany(
  reply: FastifyReply,
  rule: string,
  retryAfterSeconds: number,
  headers: Record<string, string>,
): FastifyReply {
  return reply
    .code(429)
    .headers({ ...headers, 'retry-after': String(retryAfterSeconds) })
    .send(rateLimitBody(rule));
}

function answerFault(
  fault: Fault,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: GuardDeps,
  holds: Set<() => void>,
): FastifyReply | Promise<void> {
  switch (fault.kind) {
    case 'server_error':
      return reply.code(500).send(errorBody('INTERNAL_ERROR', 'internal error'));
    case 'rate_limit_storm':
      return tooMany(reply, RULE_TEN_SECONDLY, 1, {});
    case 'token_expired':
      return sendError(reply, expired(deps.now(), deps.now() - 60_000));
    case 'token_revoked': {
      const err = unauthenticated();
      err.body.message =
        'The OAuth token used to make this call has been revoked or the app was uninstalled.';
      return sendError(reply, err);
    }
    case 'timeout':
      return holdThenTimeOut(request, reply, holds);
  }
}

/** Holds the request ~30 s (a stuck upstream), or until the client goes away or the app closes. */
function holdThenTimeOut(
  request: FastifyRequest,
  reply: FastifyReply,
  holds: Set<() => void>,
): Promise<void> {
  reply.hijack();
  return new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      holds.delete(finish);
      if (!reply.raw.writableEnded && !reply.raw.destroyed) {
        const body = JSON.stringify(errorBody('INTERNAL_ERROR', 'Gateway Timeout'));
        reply.raw.writeHead(504, { 'content-type': 'application/json;charset=utf-8' }).end(body);
      }
      resolve();
    };
    const timer = setTimeout(finish, TIMEOUT_HOLD_MS);
    holds.add(finish);
    reply.raw.once('close', finish);
    request.raw.socket.once('close', finish);
  });
}
