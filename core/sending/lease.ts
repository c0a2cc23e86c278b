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

/**
 * A worker hands no further message to a channel once its claims were last confirmed longer ago
 * than this share of the lease: a worker starved of CPU or cut off from the store may already have
 * lost them to another worker, which would send the same message again. What it still holds waits
 * for the lease to run out and is claimed again then; nothing is lost, a send is only delayed.
 */
export const SEND_WITHIN_LEASE_SHARE = 2 / 3;

export class LeaseKeeper {
  private readonly held = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> | null = null;
  /** When the claims held were last known to be ours for a whole lease: claimed or renewed then. */
  private confirmedAt: number;

  constructor(
    private readonly db: Pick<Db, 'execute'>,
    private readonly workerId: string,
    private readonly leaseMs: number,
    private readonly clock: () => Date,
    /** Called with the ids that are no longer ours. */
    private readonly onLost: (ids: string[]) => void = () => {},
  ) {
    // Every third of the lease, and at least every 15 s: what a live claim survives is a stall of the
    // lease less one interval — 4 min 45 s of a stalled worker under the 5-minute production lease,
    // not 3 min 20 s — for one small statement per worker every 15 s.
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.min(RENEW_AT_LEAST_EVERY_MS, Math.floor(leaseMs / 3))));
    this.timer.unref();
    this.confirmedAt = clock().getTime();
  }

  /** Ids just claimed (their lease starts now). */
  hold(ids: readonly string[]): void {
    if (this.held.size === 0) this.confirmedAt = this.clock().getTime();
    for (const id of ids) this.held.add(id);
  }

  /**
   * Whether a message may still be handed to a channel: the claims were confirmed within
   * SEND_WITHIN_LEASE_SHARE of the lease. A renewal that failed or came late makes this false.
   */
  mayStillSend(): boolean {
    return this.clock().getTime() - this.confirmedAt < this.leaseMs * SEND_WITHIN_LEASE_SHARE;
  }

  release(ids: readonly string[]): void {
    for (const id of ids) this.held.delete(id);
  }

  /** Renews now (single flight); a failed renewal is tried again at the next tick. */
  renew(): Promise<void> {
    if (this.renewing) return this.renewing;
    const ids = [...this.held];
    if (ids.length === 0) return Promise.resolve();
    const asked = this.clock();
    this.renewing = renewClaims(this.db, this.workerId, ids, asked)
      .then((ours) => {
        // The lease runs from the time the renewal was asked, not from when its answer came back.
        this.confirmedAt = Math.max(this.confirmedAt, asked.getTime());
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
