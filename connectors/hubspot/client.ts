/**
 * `@hubspot/api-client` set up for one connection, every call made through core/http's
 * `callProvider` (limiter, retries, token refresh). The SDK's own limiter and retries stay OFF so
 * that core/http alone decides. Calls go through the SDK's `apiRequest`, which keeps HubSpot's JSON
 * as sent (the typed APIs turn instants into Dates) and hands back the limit headers.
 */
import { Client } from '@hubspot/api-client';
import type { z } from 'zod';
import { InvalidInput } from '../../core/errors.ts';
import {
  AccountLimiter, HttpStatusError, LimiterRegistry, accountKey, callProvider, defaultRetryPolicy, normalizeHeaders,
  type CallContext,
} from '../../core/http/index.ts';
import type { ConnectionContext } from '../contract.ts';
import { hubspotErrorHook } from './errors.ts';
import { hubspotSearchProfile } from './profile.ts';

export interface HubSpotRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  qs?: Record<string, string>;
  body?: unknown;
}

export interface HubSpotAnswer<T> {
  status: number;
  data: T;
}

// The search endpoints' own per-account limit, shared by every connection of this process.
const searchLimiters = new LimiterRegistry();

/** The search limiter of a portal (for tests to stop, and for the bench). */
export function searchLimiterFor(portalId: string): AccountLimiter {
  return searchLimiters.forAccount(accountKey('hubspot-search', portalId), hubspotSearchProfile);
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One portal's API, through the connection's discipline. */
export class HubSpotClient {
  private readonly call: CallContext;
  private readonly search: AccountLimiter;

  constructor(
    readonly context: ConnectionContext,
    options: { searchLimiter?: AccountLimiter } = {},
  ) {
    const now = context.clock ? () => context.clock!.now() : Date.now;
    this.call = {
      limiter: context.limiter,
      classify: { provider: 'hubspot', hook: hubspotErrorHook(now), now },
      policy: context.policy ?? defaultRetryPolicy(),
      tokens: context.tokens,
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.onAttempt ? { onAttempt: context.onAttempt } : {}),
    };
    this.search = options.searchLimiter ?? searchLimiterFor(context.settings.accountId);
  }

  /**
   * One call; the answer's JSON is checked against `schema` (an `InvalidInput` naming the field
   * otherwise). `search: true` also waits for the search endpoints' slot; `retryConflicts: false`
   * for creates, whose 409 means "already exists" and cannot change on a retry.
   */
  async request<S extends z.ZodType>(name: string, request: HubSpotRequest, schema: S, options: { search?: boolean; retryConflicts?: boolean; retryTransient?: boolean } = {}): Promise<HubSpotAnswer<z.infer<S>>> {
    // `retryTransient: false` for a create whose answer may be lost: the caller looks for it first.
    const policy = {
      ...this.call.policy,
      ...(options.retryConflicts === false ? { conflict: () => null } : {}),
      ...(options.retryTransient === false ? { transient: () => null } : {}),
    };
    const call = { ...this.call, policy };
    const answer = await callProvider(call, name, async ({ accessToken, observe }) => {
      if (accessToken === null) throw new InvalidInput('hubspot: no access token for this connection', { field: 'tokens' });
      const send = () => this.send(accessToken, request, observe);
      return options.search ? this.search.schedule(send) : send();
    });
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || '(body)';
      throw new InvalidInput(`hubspot ${name}: unexpected answer: ${field}: ${issue.message}`, { field });
    }
    return { status: answer.status, data: parsed.data as z.infer<S> };
  }

  private async send(accessToken: string, request: HubSpotRequest, observe: (h: Record<string, string>) => void): Promise<{ status: number; body: unknown }> {
    // A client per call: the SDK keeps its decorators (limiter, retries) in a process-wide
    // singleton that every `new Client` resets, so ours must be the one in force for this call.
    const sdk = new Client({ accessToken, basePath: this.context.settings.baseUrl.replace(/\/$/, ''), numberOfApiCallRetries: 0 });
    const response = await sdk.apiRequest({
      method: request.method,
      path: request.path,
      ...(request.qs ? { qs: request.qs } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const headers = normalizeHeaders(response.headers);
    observe(headers);
    const body = parseJson(await response.text());
    if (response.status < 200 || response.status >= 300) throw new HttpStatusError({ status: response.status, headers, body });
    return { status: response.status, body };
  }
}
