/**
 * xero-node set up for one connection: an `AccountingApi` on the connection's base URL (Xero's or
 * the sandbox's) with the current access token, every call through core/http's `callProvider` —
 * the tenant's limiter, the Xero error hook, the retry decision and the single-use token refresh.
 */
import { AccountingApi } from 'xero-node';
import type { AxiosResponse } from 'axios';
import { InvalidInput } from '../../core/errors.ts';
import { callProvider, HttpStatusError, normalizeHeaders, type CallContext, type HttpFailure } from '../../core/http/index.ts';
import type { ConnectionContext } from '../contract.ts';
import { xeroErrorHook } from './errors.ts';

/** What every xero-node call resolves to; the raw `response.data` is what Relance keeps. */
export interface SdkAnswer {
  response: AxiosResponse;
}

export interface XeroAnswer {
  /** The body as Xero sent it (not xero-node's model objects: dates stay `/Date(…)/`). */
  data: unknown;
  headers: Record<string, string>;
}

export type XeroOperation = (api: AccountingApi, tenantId: string) => Promise<SdkAnswer>;

function headersOf(raw: unknown): Record<string, string> {
  // axios hands an AxiosHeaders instance on success and a plain object once xero-node has
  // serialised its error; toJSON() flattens the first into the second.
  const plain = raw && typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(): unknown }).toJSON() : raw;
  return normalizeHeaders(plain);
}

interface SerializedSdkError {
  response?: { statusCode?: number; body?: unknown; headers?: unknown };
}

/**
 * xero-node 20 rejects with `JSON.stringify(new ApiError(axiosError).generateError())`: a string,
 * status 0 when no answer came. Turn it back into the neutral failure core/http classifies; anything
 * else (a bug, a missing argument) is returned as it was so it is never retried.
 */
export function sdkFailure(error: unknown): unknown {
  if (typeof error !== 'string') return error;
  let parsed: SerializedSdkError;
  try {
    parsed = JSON.parse(error) as SerializedSdkError;
  } catch {
    return error;
  }
  const response = parsed.response;
  if (!response || typeof response !== 'object') return new Error(error);
  const status = typeof response.statusCode === 'number' && response.statusCode > 0 ? response.statusCode : null;
  const body = response.body ?? null;
  const message = typeof body === 'string' ? body : undefined;
  if (status === null && !looksLikeNetworkFailure(message)) {
    // Status 0 also comes from xero-node's own model parsing, inside the same try as the call (a
    // date it cannot read sinks the whole answer): that is a bad answer, not a network failure.
    return new InvalidInput(`xero: xero-node could not read the answer (${message ?? 'no message'})`, { provider: 'xero', field: 'response' });
  }
  const failure: HttpFailure = {
    status,
    headers: headersOf(response.headers),
    body,
    message,
    // xero-node drops axios's socket code: a call that got no answer is a network failure.
    ...(status === null ? { networkCode: 'ECONNRESET' } : {}),
  };
  return new HttpStatusError(failure);
}

// What axios and Node say when no answer came (xero-node keeps only the message, not the code).
const NETWORK_MESSAGE = /ECONN|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EPIPE|socket hang up|timeout|Network Error|aborted|Nock: (No match|Disallowed)/i;

function looksLikeNetworkFailure(message: string | undefined): boolean {
  return message !== undefined && NETWORK_MESSAGE.test(message);
}

/** The Xero API of one connection (one tenant). */
export class XeroClient {
  readonly tenantId: string;
  private readonly call: CallContext;

  constructor(private readonly context: ConnectionContext) {
    this.tenantId = context.settings.accountId;
    const now = context.clock ? () => context.clock!.now() : Date.now;
    this.call = {
      limiter: context.limiter,
      classify: { provider: 'xero', hook: xeroErrorHook(now), now },
      policy: context.policy,
      tokens: context.tokens,
      clock: context.clock,
      onAttempt: context.onAttempt,
    };
  }

  /** Runs one SDK call under the tenant's discipline; `name` is what the attempt log shows. */
  request(name: string, operation: XeroOperation): Promise<XeroAnswer> {
    return callProvider(this.call, name, async ({ accessToken, observe }) => {
      // A fresh API object per call: the SDK keeps the token on the instance, and calls of one
      // connection may run at once with the token before and after a refresh.
      const api = new AccountingApi(this.context.settings.baseUrl);
      if (accessToken !== null) api.accessToken = accessToken;
      let answer: SdkAnswer;
      try {
        answer = await operation(api, this.tenantId);
      } catch (error) {
        throw sdkFailure(error);
      }
      const headers = headersOf(answer.response.headers);
      observe(headers);
      return { data: answer.response.data as unknown, headers };
    });
  }
}
