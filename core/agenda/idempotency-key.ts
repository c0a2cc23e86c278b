/** The action's idempotency key: the same plan yields the same key, so re-runs and racing runs insert once. */
import { hash } from 'node:crypto';
import type { PlannedAction } from '../dunning/index.ts';

/**
 * organization + customer + currency + step + the sorted (invoice, level) pairs. The pairs are
 * hashed to keep the key short whatever the number of invoices; a new overdue invoice or a level
 * change makes a new key (a new reminder), the same situation the next day makes the same key.
 */
export function actionKey(organizationId: string, customerId: string, action: PlannedAction): string {
  const pairs = action.levels.map((l) => `${l.invoiceExternalId}@${l.step}`).sort();
  // crypto.hash: the same SHA-256 as createHash().update().digest(), without the stream object
  // each of a daily run's hundred thousand keys would otherwise allocate.
  const digest = hash('sha256', pairs.join(','), 'base64url').slice(0, 32);
  return `dunning:${organizationId}:${customerId}:${action.currency}:${action.step}:${digest}`;
}
