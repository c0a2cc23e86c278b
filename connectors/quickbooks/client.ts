/**
 * The node-quickbooks SDK set up for one connection, every call made through core/http's
 * `callProvider` (limiter, retries, token refresh). node-quickbooks 2 takes its endpoint from a
 * static property when the instance is built; we set the instance's `endpoint` instead, so two
 * connections (the sandbox and Intuit) never share a global.
 */
import { createRequire } from 'node:module';
import type { QuickBooks as QuickBooksSdk } from 'node-quickbooks';
import { InvalidInput } from '../../core/errors.ts';
import { callProvider, defaultRetryPolicy, type CallContext } from '../../core/http/index.ts';
import type { ConnectionContext } from '../contract.ts';
import { faultWithoutStatus, quickbooksErrorHook } from './errors.ts';
import { MINOR_VERSION } from './profile.ts';

// node-quickbooks sets `module.exports` to the class; its typings describe an ES export instead.
const QuickBooks = createRequire(import.meta.url)('node-quickbooks') as typeof QuickBooksSdk;

type Callback = (err: unknown, data?: unknown) => void;
type SdkMethod = (...args: unknown[]) => unknown;

/** One realm's API, through the connection's discipline. */
export class QuickBooksClient {
  private readonly call: CallContext;

  constructor(private readonly context: ConnectionContext) {
    this.call = {
      limiter: context.limiter,
      classify: { provider: 'quickbooks', hook: quickbooksErrorHook },
      policy: context.policy ?? defaultRetryPolicy(),
      tokens: context.tokens,
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.onAttempt ? { onAttempt: context.onAttempt } : {}),
    };
  }

  private sdk(accessToken: string): QuickBooksSdk {
    const s = this.context.settings;
    const sdk = new QuickBooks(s.clientId, s.clientSecret, accessToken, false, s.accountId, true, false, MINOR_VERSION, '2.0', '');
    (sdk as unknown as { endpoint: string }).endpoint = `${s.baseUrl.replace(/\/$/, '')}/v3/company/`;
    return sdk;
  }

  /**
   * Calls an SDK method (callback style) under `callProvider`; `name` labels the attempt records.
   * `retryConflicts: false` for writes: resending a stale SyncToken cannot succeed, the caller re-reads.
   */
  invoke(name: string, method: string, args: readonly unknown[], options: { retryConflicts?: boolean } = {}): Promise<unknown> {
    const call = options.retryConflicts === false ? { ...this.call, policy: { ...this.call.policy, conflict: () => null } } : this.call;
    return callProvider(call, name, ({ accessToken }) => {
      if (accessToken === null) throw new InvalidInput('quickbooks: no access token for this connection', { field: 'tokens' });
      const sdk = this.sdk(accessToken) as unknown as Record<string, SdkMethod>;
      const fn = sdk[method];
      if (typeof fn !== 'function') throw new Error(`node-quickbooks has no method ${method}`);
      return new Promise((resolve, reject) => {
        const callback: Callback = (err, data) => {
          if (!err) return resolve(data);
          reject(faultWithoutStatus(err) ?? err);
        };
        // node-quickbooks deletes an entity's `requestId` as it sends it: each attempt gets its own copy.
        fn.call(sdk, ...args.map((a) => (a !== null && typeof a === 'object' && !Array.isArray(a) ? { ...a } : a)), callback);
      });
    });
  }
}
