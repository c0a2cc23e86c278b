/**
 * The audit log: every change made through the admin API is an activity row (who, when, what),
 * written in the same transaction as the change so that neither exists without the other.
 */
import { activities } from '../store/schema/index.ts';
import type { Executor } from '../store/index.ts';

export interface AuditEntry {
  organizationId: string;
  actor: string;
  /** `audit.<resource>.<verb>`, e.g. `audit.membership.grant`. */
  kind: string;
  customerId?: string | null;
  invoiceId?: string | null;
  payload?: Record<string, unknown>;
}

/** Appends one audit row; call it inside the transaction that makes the change. */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db.insert(activities).values({
    organizationId: entry.organizationId,
    actor: entry.actor,
    kind: entry.kind,
    customerId: entry.customerId ?? null,
    invoiceId: entry.invoiceId ?? null,
    payload: entry.payload ?? {},
  });
}
