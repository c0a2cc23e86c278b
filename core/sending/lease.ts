/**
 * Keeps a worker's claims alive while it works on them: every third of the lease (at most 15 s), one statement
 * renews the lease of every action it holds (claimed and not yet sent, or sent and not yet
 * finalized). However slow the SMTP server, a live send is never taken for a dead worker's and
 * re-claimed; only a worker that stops renewing (killed, frozen, cut off from the store) loses its
 * claims when the lease runs out. An action someone else now holds is reported so the worker drops it.
 */
import type { Db } from '../store/db.ts';
import { renewClaims } from './claim.ts';

/** The longest time between two renewals, whatever the lease. */
export const RENEW_AT_LEAST_EVERY_MS = 15_000;

export class LeaseKeeper {
  private readonly held = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly db: Pick<Db, 'execute'>,
    private readonly workerId: string,
    leaseMs: number,
    private readonly clock: () => Date,
    /** Called with the ids that are no longer ours. */
    private readonly onLost: (ids: string[]) => void = () => {},
  ) {
    // Every third of the lease, and at least every 15 s: what a live claim survives is a stall of the
    // lease less one interval — 4 min 45 s of a stalled worker under the 5-minute production lease,
    // not 3 min 20 s — for one small statement per worker every 15 s.
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.min(RENEW_AT_LEAST_EVERY_MS, Math.floor(leaseMs / 3))));
    this.timer.unref();
  }

  hold(ids: readonly string[]): void {
    for (const id of ids) this.held.add(id);
  }

  release(ids: readonly string[]): void {
    for (const id of ids) this.held.delete(id);
  }

  /** Renews now (single flight); a failed renewal is tried again at the next tick. */
  renew(): Promise<void> {
    if (this.renewing) return this.renewing;
    const ids = [...this.held];
    if (ids.length === 0) return Promise.resolve();
    this.renewing = renewClaims(this.db, this.workerId, ids, this.clock())
      .then((ours) => {
        const lost = ids.filter((id) => !ours.has(id) && this.held.has(id));
        if (lost.length > 0) {
          this.release(lost);
          this.onLost(lost);
        }
      })
      .catch(() => {})
      .finally(() => (this.renewing = null));
    return this.renewing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }
}
