/**
 * One batch of claimed actions, end to end but for its finalization (finalize.ts):
 * 1. **Load and check** — one query loads the claimed actions with everything their messages need
 *    and their stop rules (paid, disputed, promise, paused, hold); an action no longer ours is
 *    `lost`, one a rule stops is cancelled (one statement for the batch, with its activities).
 * 2. **Settle** — the customers' portal links (one transaction, before anything leaves, so a retry
 *    after a crash renders the same link) and the recipients (one query for the batch).
 * 3. **Compose** — every message of the batch (compose.ts/deliver.ts `composeOutbound`) before any
 *    leaves, so that while messages are on the wire the event loop is free to see each 250 at once.
 * 4. **Transmit** — several messages in flight (`SendDeps.inFlight`), each acceptance recorded the
 *    moment the channel answers (acceptance.ts `AcceptanceWriter`: the 250s seen in one turn of the
 *    event loop in one statement, at the end of that turn). Whatever is still waiting is checked
 *    against the stop rules again whenever the last check is more than `RECHECK_MS` old.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { MessageChannelKind, RecipientChoice } from '../channels/index.ts';
import { languagesOf } from '../messages/index.ts';
import { AcceptanceWriter } from './acceptance.ts';
import { loadActionsForSend, type ActionForSend } from './compose.ts';
import { composeOutbound, transmit, type Delivery, type Outbound } from './deliver.ts';
import { recordFailure } from './failure.ts';
import type { LeaseKeeper } from './lease.ts';
import { reminderPortalUrl } from './portal-link.ts';
import { loadRecipientsOf, planRecipient } from './recipients.ts';
import { sendStopReasons, type SendStopReason } from './stop-check.ts';
import type { SendDeps } from './types.ts';
import { holdIfNotReady } from '../send-readiness/index.ts';

export type SendOutcome =
  | { kind: 'sent'; providerMessageId: string | null; channel: Delivery['channel']; fellBack: boolean }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'held'; reason: string }
  | { kind: 'lost' }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; error: string };

/** A stop rule checked longer ago than this is checked again before the next message leaves. */
export const RECHECK_MS = 1000;
/**
 * Messages in flight at once per worker, by default. Each may have one acceptance write under way
 * (a store connection) while its next message is on the wire, so the store's pool needs this many
 * and a few more (the claim, the lease renewal, the finalization's two transactions): `relance
 * start` opens 10.
 */
export const DEFAULT_IN_FLIGHT = 6;

export interface BatchRun {
  db: Db;
  deps: SendDeps;
  /** The pass's clock: its `now`, advancing with real time. */
  clock: () => Date;
  keeper: LeaseKeeper;
  /** Ids the keeper found held by another worker since. */
  lost: Set<string>;
}

interface Ready {
  action: ActionForSend;
  choice: RecipientChoice | null;
  portalUrl: string | null;
}

function isMessageChannel(channel: string): channel is MessageChannelKind {
  return channel === 'email' || channel === 'sms' || channel === 'letter';
}

/** Cancels the stopped actions still ours, each with its `reminder.cancelled` activity; returns the ids cancelled. */
async function cancelStopped(db: Db, workerId: string, stopped: readonly { id: string; reason: SendStopReason }[]): Promise<Set<string>> {
  if (stopped.length === 0) return new Set();
  const { rows } = await db.execute<{ id: string }>(sql`
    WITH stopped AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(stopped)}::jsonb) AS s(id uuid, reason text)),
    cancelled AS (
      UPDATE actions a SET status = 'cancelled', claimed_by = NULL, updated_at = now(),
             details = a.details || jsonb_build_object('cancelledReason', s.reason)
        FROM stopped s WHERE a.id = s.id AND a.status = 'sending' AND a.claimed_by = ${workerId}
      RETURNING a.id, a.organization_id, a.customer_id, s.reason),
    logged AS (
      INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      SELECT organization_id, customer_id, 'job:dunning.send', 'reminder.cancelled',
             jsonb_build_object('actionId', id::text, 'reason', reason) FROM cancelled)
    SELECT id FROM cancelled`);
  return new Set(rows.map((r) => r.id));
}

/** Runs one claimed batch; `settle` receives each action's outcome, `accepted` the ids whose message was accepted. */
export async function runBatch(
  run: BatchRun,
  ids: readonly string[],
  settle: (id: string, outcome: SendOutcome) => void,
): Promise<string[]> {
  const { db, deps, keeper } = run;
  const done = (id: string, outcome: SendOutcome) => {
    if (outcome.kind !== 'sent') keeper.release([id]);
    settle(id, outcome);
  };
  // 1. Load and check, in one query.
  let checkedAt = run.clock();
  const rows = await loadActionsForSend(db, ids, { stopCheckAt: checkedAt });
  const ours = rows.filter((a) => a.status === 'sending' && a.claimed_by === deps.workerId);
  const ourIds = new Set(ours.map((a) => a.id));
  for (const id of ids) if (!ourIds.has(id)) done(id, { kind: 'lost' });
  const stopped = ours.flatMap((a) => (a.stop ? [{ id: a.id, reason: a.stop }] : []));
  const cancelled = await cancelStopped(db, deps.workerId, stopped);
  for (const s of stopped) done(s.id, cancelled.has(s.id) ? { kind: 'cancelled', reason: s.reason } : { kind: 'lost' });
  const cleared = ours.filter((a) => !a.stop);

  // 2. Portal links (committed before anything leaves) and recipients, for the batch at once.
  const messageSteps = cleared.filter((a) => isMessageChannel(a.channel));
  const links = new Map<string, string | null>();
  if (deps.portalLinks?.publicUrl && messageSteps.length > 0) {
    await db.transaction(async (tx) => {
      for (const a of messageSteps) {
        if (links.has(a.customer_id)) continue;
        links.set(a.customer_id, await reminderPortalUrl(tx, deps.portalLinks, { organizationId: a.organization_id, customerId: a.customer_id }, run.clock()));
      }
    });
  }
  const recipients = await loadRecipientsOf(db, messageSteps.map((a) => a.customer_id));
  const templates = new Map<string, Promise<boolean>>();
  const hasTemplate = deps.hasTemplate ?? ((channel: MessageChannelKind, name: string) => languagesOf(channel, name).then((l) => l.length > 0));
  const planDeps = {
    channels: deps.channels,
    hasTemplate: (channel: MessageChannelKind, name: string) => {
      const key = `${channel}/${name}`;
      if (!templates.has(key)) templates.set(key, hasTemplate(channel, name));
      return templates.get(key)!;
    },
  };
  const queue: Ready[] = [];
  for (const a of cleared) {
    if (!isMessageChannel(a.channel)) {
      queue.push({ action: a, choice: null, portalUrl: null });
      continue;
    }
    // A missing piece (channel, template, postal address) holds the action with its reason: core/send-readiness.
    const held = await holdIfNotReady(db, deps, a);
    if (held) {
      done(a.id, held);
      continue;
    }
    try {
      const choice = await planRecipient(db, planDeps, { customerId: a.customer_id, channel: a.channel, template: a.template }, recipients.get(a.customer_id) ?? []);
      queue.push({ action: a, choice, portalUrl: links.get(a.customer_id) ?? null });
    } catch (e) {
      done(a.id, await recordFailure(db, deps, a, null, e, run.clock()));
    }
  }

  // 3. Compose every message of the batch before any leaves: once messages are on the wire, the
  // event loop has little to do but hand them to the channel and record each acceptance the moment
  // its 250 arrives (the duplicate window, core/sending/README.md), not render the next one.
  const width = Math.max(1, Math.min(deps.inFlight ?? DEFAULT_IN_FLIGHT, queue.length));
  const composed = new Map<Ready, Outbound>();
  const toCompose = [...queue];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let r = toCompose.shift(); r; r = toCompose.shift()) {
      try {
        composed.set(r, await composeOutbound(deps, r.action, r.choice, run.clock(), r.portalUrl));
      } catch (e) {
        queue.splice(queue.indexOf(r), 1);
        done(r.action.id, await recordFailure(db, deps, r.action, r.choice, e, run.clock()));
      }
    }
  }));

  // 4. Transmit, several in flight; the stop rules re-checked for what waits once they are stale.
  const accepted: string[] = [];
  const writer = new AcceptanceWriter(db, deps.workerId);
  let rechecking: Promise<void> | null = null;
  const recheck = () => {
    rechecking ??= (async () => {
      checkedAt = run.clock();
      const reasons = await sendStopReasons(db, queue.map((r) => r.action.id), checkedAt);
      if (reasons.size === 0) return;
      const stale = queue.filter((r) => reasons.has(r.action.id));
      for (const r of stale) queue.splice(queue.indexOf(r), 1);
      const stoppedNow = stale.map((r) => ({ id: r.action.id, reason: reasons.get(r.action.id)! }));
      const cancelledNow = await cancelStopped(db, deps.workerId, stoppedNow);
      for (const s of stoppedNow) done(s.id, cancelledNow.has(s.id) ? { kind: 'cancelled', reason: s.reason } : { kind: 'lost' });
    })().finally(() => (rechecking = null));
    return rechecking;
  };
  /**
   * Sends one composed message and hands its acceptance to the writer the moment the channel
   * accepts it; resolves once that write is under way (with the write's own promise). `previous`, the
   * runner's last acceptance write, is awaited before the message leaves, so each runner has at
   * most one acceptance being written while its next message is on the wire.
   */
  const sendOne = async (r: Ready, previous: Promise<void>): Promise<{ recording: Promise<void> }> => {
    const a = r.action;
    if (run.lost.has(a.id)) return done(a.id, { kind: 'lost' }), { recording: previous };
    let delivery: Delivery;
    try {
      await previous;
      // Claims not confirmed for most of the lease (a starved or cut-off worker) may be another
      // worker's by now: this one stops handing messages out and lets the lease decide (lease.ts).
      if (!keeper.mayStillSend()) return done(a.id, { kind: 'lost' }), { recording: Promise.resolve() };
      delivery = await transmit(deps, composed.get(r)!);
    } catch (e) {
      await previous;
      return done(a.id, await recordFailure(db, deps, a, r.choice, e, run.clock())), { recording: Promise.resolve() };
    }
    // The window: the channel accepted the message; until this write leaves, a crash re-sends it later.
    const recording = writer.accept(a, delivery, run.clock()).then((ours) => {
      if (ours) accepted.push(a.id);
      done(a.id, ours ? { kind: 'sent', providerMessageId: delivery.providerMessageId, channel: delivery.channel, fellBack: delivery.fellBack } : { kind: 'lost' });
    });
    return { recording };
  };
  const runner = async () => {
    let recording: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        if (queue.length > 0 && run.clock().getTime() - checkedAt.getTime() > RECHECK_MS) await recheck();
        await rechecking;
        const next = queue.shift();
        if (!next) return;
        ({ recording } = await sendOne(next, recording));
      }
    } finally {
      await recording;
    }
  };
  await Promise.all(Array.from({ length: width }, runner));
  return accepted;
}
