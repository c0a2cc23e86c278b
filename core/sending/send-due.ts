/** One pass of the send job: claim due actions in sending hours and send them one by one. */
import type { Db } from '../store/db.ts';
import { claimActions, organizationsInSendingHours } from './claim.ts';
import { sendClaimedAction, type SendOutcome } from './send-action.ts';
import type { SendDeps } from './types.ts';

export interface SendPassResult {
  claimed: number;
  outcomes: Record<SendOutcome['kind'], number>;
}

/** Claims and sends up to `limit` due actions (optionally of one organization). */
export async function sendDueActions(
  db: Db,
  deps: SendDeps,
  opts: { limit?: number; now?: Date; organizationId?: string } = {},
): Promise<SendPassResult> {
  const now = opts.now ?? new Date();
  const organizationIds = await organizationsInSendingHours(db, now, opts.organizationId);
  const ids = await claimActions(db, { workerId: deps.workerId, limit: opts.limit ?? 100, now, leaseMs: deps.leaseMs, organizationIds });
  const outcomes: SendPassResult['outcomes'] = { sent: 0, cancelled: 0, held: 0, lost: 0, retry: 0, failed: 0 };
  for (const id of ids) outcomes[(await sendClaimedAction(db, deps, id, now)).kind]++;
  return { claimed: ids.length, outcomes };
}
