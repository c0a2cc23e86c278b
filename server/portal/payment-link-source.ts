/**
 * Where the portal's payment links come from: the invoice's connection, through a connector session
 * wired as the outbox wires one (jobs/outbox.ts `connectSession`: tokens through the refresher over
 * the store, the process's limiter of the account). One session per connection for the life of the
 * server, as `pushOutbox` keeps one per run: tokens are read from the store on every call, so a
 * refresh by a worker is seen; a session that failed to open or met an auth error is dropped, so a
 * reconnected account gets a fresh one.
 */
import type { ConnectorSession } from '../../connectors/contract.ts';
import { loadCredentials } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { isRelanceError } from '../../core/errors.ts';
import { defaultRetryPolicy, exponentialFullJitter } from '../../core/http/index.ts';
import { keptPaymentUrl, type PaymentLinkSource } from '../../core/portal/index.ts';
import type { Store } from '../../core/store/index.ts';
import { connectSession } from '../../jobs/outbox.ts';

/** A customer is waiting: one quick retry at most, no long Retry-After; the next view asks again. */
const PORTAL_RETRY = defaultRetryPolicy({
  transient: exponentialFullJitter({ baseMs: 200, capMs: 1_000, maxRetries: 1 }),
  rateLimited: exponentialFullJitter({ baseMs: 500, capMs: 2_000, maxRetries: 1 }),
  maxRetryAfterMs: 2_000,
});

interface OpenSession {
  session: ConnectorSession;
  apiBaseUrl: string;
}

/** A source asking each invoice's connection; a connector without `paymentLink` (HubSpot) answers null. */
export function connectionPaymentLinks(deps: { store: Pick<Store, 'pool' | 'db'>; keys: KeyRing }): PaymentLinkSource {
  const sessions = new Map<string, Promise<OpenSession>>();

  function sessionOf(connectionId: string): Promise<OpenSession> {
    let open = sessions.get(connectionId);
    if (!open) {
      open = Promise.all([connectSession({ ...deps, policy: PORTAL_RETRY }, connectionId), loadCredentials(deps.store.pool, deps.keys, connectionId)])
        .then(([session, { settings }]) => ({ session, apiBaseUrl: settings.baseUrl }));
      sessions.set(connectionId, open);
      open.catch(() => sessions.delete(connectionId));
    }
    return open;
  }

  return async (connectionId, invoiceExternalId) => {
    const { session, apiBaseUrl } = await sessionOf(connectionId);
    if (!session.paymentLink) return null;
    try {
      return keptPaymentUrl(await session.paymentLink(invoiceExternalId), apiBaseUrl);
    } catch (e) {
      if (isRelanceError(e) && e.category === 'auth') sessions.delete(connectionId);
      throw e;
    }
  };
}
