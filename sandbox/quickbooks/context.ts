/** What the routes and the control API of one simulated company share. */
import type { WrittenBack } from '../shared/contract.ts';
import type { CompanyStore, Row } from './store.ts';
import type { WebhookOperation, WebhookSender } from './webhooks.ts';

export interface SimContext {
  store: CompanyStore;
  now: () => number;
  webhooks: WebhookSender;
  written: WrittenBack[];
  /** Webhook deliveries still in flight (awaited by tests and on close). */
  pending: Set<Promise<void>>;
}

/** Notifies the webhook target of changed rows, in one notification. */
export function announce(ctx: SimContext, changes: { row: Row | { entity: string; id: string; updatedMs: number }; operation: WebhookOperation; deletedID?: string }[]): Promise<void> {
  const entities = changes.map(({ row, operation, deletedID }) => ({
    name: row.entity,
    id: row.id,
    operation,
    lastUpdated: new Date(row.updatedMs).toISOString(),
    ...(deletedID ? { deletedID } : {}),
  }));
  const delivery = ctx.webhooks.notify(entities);
  ctx.pending.add(delivery);
  void delivery.finally(() => ctx.pending.delete(delivery));
  return delivery;
}
