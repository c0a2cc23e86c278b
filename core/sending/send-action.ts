/**
 * One claimed action sent on its own: the batch path (batch.ts) for a batch of one, then its
 * finalization. Delivery is at least once: see README.md for the window in which a message can go twice.
 */
import type { Db } from '../store/db.ts';
import { runBatch, type SendOutcome } from './batch.ts';
import { DEFAULT_LEASE_MS } from './claim.ts';
import { finalizeAccepted } from './finalize.ts';
import { LeaseKeeper } from './lease.ts';
import type { SendDeps } from './types.ts';

export { MAX_SEND_ATTEMPTS } from './failure.ts';
export type { SendOutcome } from './batch.ts';

/** Sends one action this worker has claimed. */
export async function sendClaimedAction(db: Db, deps: SendDeps, actionId: string, now: Date = new Date()): Promise<SendOutcome> {
  const started = Date.now();
  const clock = () => new Date(now.getTime() + (Date.now() - started));
  const lost = new Set<string>();
  const keeper = new LeaseKeeper(db, deps.workerId, deps.leaseMs ?? DEFAULT_LEASE_MS, clock, (ids) => ids.forEach((id) => lost.add(id)));
  keeper.hold([actionId]);
  let outcome: SendOutcome = { kind: 'lost' };
  try {
    const accepted = await runBatch({ db, deps, clock, keeper, lost }, [actionId], (_id, o) => (outcome = o));
    await finalizeAccepted(db, accepted);
  } finally {
    await keeper.stop();
  }
  return outcome;
}
