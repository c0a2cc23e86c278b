/**
 * `GET /oauth/:provider/callback`: where the provider sends the user back after consent, with
 * `code`, `state` (and QuickBooks' `realmId`). The state says which app and organization this is;
 * the code is exchanged for tokens, the account resolved (./account.ts), the connection stored and
 * its first sync queued. A browser goes on to the console's connections page, or gets a plain page
 * naming the problem; a script gets JSON.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { connectorFor } from '../../connectors/index.ts';
import { recordAudit } from '../../core/access/index.ts';
import { getConnection, type ConnectionRecord } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { InvalidInput, isRelanceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logging.ts';
import type { Db } from '../../core/store/index.ts';
import { escapeHtml } from '../portal/render.ts';
import { grantedAccount } from './account.ts';
import { completeConnection } from './complete-connection.ts';
import { checkBinding, useStateOnce } from './binding.ts';
import { openState, type StatePayload } from './state.ts';

const callbackQuery = z.object({
  code: z.string().min(1).optional(),
  state: z.string().min(1, 'missing'),
  realmId: z.string().min(1).optional(),
  error: z.string().optional(),
});

export interface CallbackDeps {
  pool: pg.Pool;
  db: Db;
  keys: KeyRing;
  logger: Logger;
  /** Queues a sync of the new connection; null when no scheduler runs in this process. */
  enqueueSync: ((connectionId: string) => Promise<void>) | null;
}

/** The console page a browser lands on once connected. */
export const connectedPage = (connectionId: string) => `/console/#/connections?connected=${connectionId}`;

function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/.test(request.headers.accept ?? '');
}

/** The connection a reconnect renews: it must be the state's organization's, of the same provider. */
async function renewed(pool: pg.Pool, state: StatePayload): Promise<ConnectionRecord | null> {
  if (!state.connectionId) return null;
  const connection = await getConnection(pool, state.connectionId);
  if (connection.organizationId !== state.organizationId || connection.provider !== state.provider) throw new InvalidInput('state: names another connection', { field: 'state' });
  return connection;
}

async function connect(deps: CallbackDeps, provider: string, request: FastifyRequest): Promise<ConnectionRecord> {
  const parsed = callbackQuery.safeParse(request.query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const query = parsed.data;
  const state = openState(deps.keys, query.state);
  if (state.provider !== provider) throw new InvalidInput(`state: issued for ${state.provider}, not ${provider}`, { field: 'state' });
  checkBinding(request, state);
  // Once only, before the code is exchanged: a replayed callback URL does nothing.
  await useStateOnce(deps.pool, state);
  if (query.error) throw new InvalidInput(`${state.provider} refused the authorization: ${query.error}`, { field: 'error' });
  if (!query.code) throw new InvalidInput('code: missing', { field: 'code' });
  const renewing = await renewed(deps.pool, state);
  const tokens = await connectorFor(state.provider).auth.exchangeCode({ clientId: state.clientId, clientSecret: state.clientSecret, tokenUrl: state.tokenUrl, redirectUri: state.redirectUri, code: query.code });
  const accountId = await grantedAccount({ provider: state.provider, apiUrl: state.baseUrl, accessToken: tokens.accessToken, realmId: query.realmId, wanted: renewing?.accountId ?? null });
  if (renewing && renewing.accountId !== accountId) {
    throw new InvalidInput(`account: the consent was given for ${accountId}, not ${renewing.accountId} that this connection reaches; connect it as a new connection instead`, { field: 'account' });
  }
  const connection = await completeConnection(deps, {
    provider: state.provider,
    settings: { accountId, clientId: state.clientId, clientSecret: state.clientSecret, baseUrl: state.baseUrl, tokenUrl: state.tokenUrl, webhookKey: state.webhookKey, extra: state.extra },
    tokens,
    organization: state.organization,
    ...(state.organizationId ? { organizationId: state.organizationId } : {}),
  });
  if (state.organizationId && state.actor) {
    await recordAudit(deps.db, {
      organizationId: state.organizationId, actor: state.actor, kind: renewing ? 'audit.connection.reconnected' : 'audit.connection.connected',
      payload: { connectionId: connection.id, provider: connection.provider, accountId },
    });
  }
  if (deps.enqueueSync) await deps.enqueueSync(connection.id);
  else deps.logger.warn('connected without a job scheduler: run relance sync for the first sync', { connectionId: connection.id });
  return connection;
}

/** The status of a failed callback: the caller's (or provider's word on the code) 400, the provider down 502. */
function statusOf(error: unknown): number {
  if (!isRelanceError(error)) return 500;
  return error.category === 'transient' || error.category === 'rate_limit' ? 502 : 400;
}

/** The same refusal for a script: `{error:{code,message,field}}`; a reused or expired code is a 400 naming `code`. */
function errorJson(reply: FastifyReply, logger: Logger, error: unknown): FastifyReply {
  const status = statusOf(error);
  if (status === 500) logger.error('oauth callback failed', { error });
  if (!isRelanceError(error)) return reply.status(500).send({ error: { code: 'internal', message: 'internal error', field: null } });
  const field = error.category === 'auth' ? 'code' : typeof error.details.field === 'string' ? error.details.field : null;
  return reply.status(status).send({ error: { code: error.code, message: error.message, field } });
}

/** A refusal a person can read: what went wrong, and the way back. Nothing but the message is shown. */
function errorPage(reply: FastifyReply, logger: Logger, error: unknown): FastifyReply {
  const known = isRelanceError(error);
  const status = statusOf(error);
  if (status === 500) logger.error('oauth callback failed', { error });
  const message = known ? error.message : 'internal error';
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>The connection failed</title></head>
<body><h1>The connection failed</h1><p>${escapeHtml(message)}</p><p><a href="/console/#/connections">Back to the connections</a></p></body></html>`);
}

export async function oauthCallbackRoutes(app: FastifyInstance, deps: CallbackDeps): Promise<void> {
  app.get<{ Params: { provider: string } }>('/oauth/:provider/callback', async (request, reply) => {
    if (!wantsHtml(request)) {
      let c: ConnectionRecord;
      try {
        c = await connect(deps, request.params.provider, request);
      } catch (error) {
        return errorJson(reply, deps.logger, error);
      }
      return reply.send({ connectionId: c.id, provider: c.provider, accountId: c.accountId, displayName: c.displayName, organizationId: c.organizationId });
    }
    let connection: ConnectionRecord;
    try {
      connection = await connect(deps, request.params.provider, request);
    } catch (error) {
      return errorPage(reply, deps.logger, error);
    }
    return reply.redirect(connectedPage(connection.id), 303);
  });
}
