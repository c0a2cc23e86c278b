/**
 * Webhook syncs run in-process (no job worker in this process) coalesced per connection: while a
 * connection's sync runs, every further delivery only adds its streams to one follow-up run, so 30
 * replays of a delivery cost at most two syncs instead of 30 (issue 12.6). With a worker, the
 * queue coalesces them instead (jobs/sync.ts).
 */
import { traceStage } from '../../core/sync/trace.ts';

export type SyncRun = (connectionId: string, streams: string[]) => Promise<void>;

export function coalescedSyncs(run: SyncRun, onError: (connectionId: string, error: unknown) => void): SyncRun {
  const running = new Set<string>();
  const waiting = new Map<string, Set<string>>();
  const loop = async (connectionId: string, streams: string[]): Promise<void> => {
    running.add(connectionId);
    try {
      let next: string[] | null = streams;
      while (next) {
        await run(connectionId, next).catch((error: unknown) => onError(connectionId, error));
        const more = waiting.get(connectionId);
        waiting.delete(connectionId);
        next = more ? [...more] : null;
      }
    } finally {
      running.delete(connectionId);
    }
  };
  return async (connectionId, streams) => {
    if (running.has(connectionId)) {
      const set = waiting.get(connectionId) ?? new Set<string>();
      for (const s of streams) set.add(s);
      waiting.set(connectionId, set);
      traceStage('folded', connectionId);
      return;
    }
    traceStage('queued', connectionId);
    void loop(connectionId, streams);
  };
}
