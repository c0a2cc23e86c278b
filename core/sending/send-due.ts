/**
 * A send pass: claim a batch of due actions in sending hours, send it (batch.ts), and go on until
 * nothing is due — no cap per pass or per interval. Each worker runs its own pass; claims are
 * partitioned by `SKIP LOCKED`, so workers add up. A batch's finalization (activities, write-back
 * rows, one transaction) overlaps the next batch's sends; each message's acceptance was already
 * recorded the moment it was accepted. Claims are renewed while held (lease.ts).
 */
import type { Db } from '../store/db.ts';
import { runBatch, type SendOutcome } from './batch.ts';
import { claimActions, DEFAULT_LEASE_MS, organizationsInSendingHours } from './claim.ts';
import { finalizeAccepted, finalizeOrphans } from './finalize.ts';
import { LeaseKeeper } from './lease.ts';
import type { SendDeps } from './types.ts';

export interface SendPassResult {
  claimed: number;
  outcomes: Record<SendOutcome['kind'], number>;
  /** Batches claimed in this pass. */
  batches: number;
  /** Accepted actions of dead workers whose bookkeeping this pass completed. */
  recovered: number;
}

/** Actions claimed at once, by default. */
export const DEFAULT_BATCH_SIZE = 200;

export interface SendPassOptions {
  /** The pass's start instant (tests); it advances with real time. */
  now?: Date;
  organizationId?: string;
  /** At most this many actions in this pass (tests and tools); no limit by default. */
  limit?: number;
  /** Called after each batch (the job touches its Agenda lock). */
  onBatch?: (claimed: number) => Promise<void> | void;
  /**
   * Organizations held back, asked again before every batch (the freshness gate, jobs/sync.ts): a
   * pass runs until nothing is due, so a provider outage that begins during a long pass must stop
   * it from the next batch, not from the next pass.
   */
  held?: () => Promise<ReadonlySet<string>>;
}

/** Sends due actions (optionally of one organization) until none is due, or `limit` were claimed. */
export async function sendDueActions(db: Db, deps: SendDeps, opts: SendPassOptions = {}): Promise<SendPassResult> {
  const base = opts.now ?? new Date();
  const started = Date.now();
  const clock = () => new Date(base.getTime() + (Date.now() - started));
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const lost = new Set<string>();
  const keeper = new LeaseKeeper(db, deps.workerId, leaseMs, clock, (ids) => ids.forEach((id) => lost.add(id)));
  const result: SendPassResult = { claimed: 0, outcomes: { sent: 0, cancelled: 0, held: 0, lost: 0, retry: 0, failed: 0 }, batches: 0, recovered: 0 };
  let finalizing: Promise<void> = Promise.resolve();
  try {
    result.recovered += await finalizeOrphans(db, clock(), leaseMs);
    for (;;) {
      const room = opts.limit === undefined ? batchSize : Math.min(batchSize, opts.limit - result.claimed);
      if (room <= 0) break;
      const now = clock();
      const held = opts.held ? await opts.held() : null;
      const organizationIds = (await organizationsInSendingHours(db, now, opts.organizationId)).filter((id) => !held?.has(id));
      const ids = await claimActions(db, { workerId: deps.workerId, limit: room, now, leaseMs, organizationIds });
      if (ids.length === 0) break;
      keeper.hold(ids);
      result.claimed += ids.length;
      result.batches++;
      const accepted = await runBatch({ db, deps, clock, keeper, lost }, ids, (_id, outcome) => result.outcomes[outcome.kind]++);
      // One finalization at a time, overlapping the next batch's sends.
      await finalizing;
      finalizing = finalizeAccepted(db, accepted).then(() => keeper.release(accepted));
      await opts.onBatch?.(ids.length);
    }
    await finalizing;
  } finally {
    await finalizing.catch(() => {});
    await keeper.stop();
  }
  return result;
}
