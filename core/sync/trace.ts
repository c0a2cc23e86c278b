/**
 * Stage timestamps of a sync, for `relance bench change-to-stop` (16.2) and anyone debugging where a
 * webhook's time goes: webhook received → sync queued (or folded into a running one) → sync started
 * → each provider call → each page committed → its customers re-planned. Published on a
 * `node:diagnostics_channel`; with no subscriber (production) nothing is built or sent.
 */
import { channel } from 'node:diagnostics_channel';

export const SYNC_TRACE_CHANNEL = 'relance.sync.stage';

export type SyncStage =
  | 'webhook' // a verified webhook named the connection
  | 'queued' // its sync was started at once
  | 'folded' // its streams were folded into the follow-up of a sync already running
  | 'started' // runSync began (connection, credentials, cursor reads follow)
  | 'call' // one provider call answered: `ms` from asking the limiter to the answer
  | 'committed' // one page's transaction committed
  | 'replanned' // that page's customers were re-planned (their stale actions cancelled)
  | 'finished'; // the sync returned

export interface SyncStageEvent {
  stage: SyncStage;
  connectionId: string;
  /** performance.now() when the stage was reached. */
  at: number;
  stream?: string;
  /** For a call: its duration, limiter wait included; for a page: its records. */
  ms?: number;
  records?: number;
  customers?: number;
}

const stages = channel(SYNC_TRACE_CHANNEL);

/** Whether anyone listens: for a caller whose fields cost something to build. */
export function tracing(): boolean {
  return stages.hasSubscribers;
}

/** Publishes one stage when someone listens. */
export function traceStage(stage: SyncStage, connectionId: string, fields: Omit<SyncStageEvent, 'stage' | 'connectionId' | 'at'> = {}): void {
  if (!stages.hasSubscribers) return;
  stages.publish({ stage, connectionId, at: performance.now(), ...fields } satisfies SyncStageEvent);
}
