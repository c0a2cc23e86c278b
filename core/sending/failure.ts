/**
 * A send that did not go through. A transient failure (SMTP 4xx, no answer, a provider 5xx or
 * rate limit) puts the action back to `planned` with `next_attempt_at` set by the send retry
 * policy (core/channels/retry-policy.ts: exponential back-off with full jitter, at least a rate
 * limit's Retry-After), until the policy gives up; a hard bounce marks the address invalid and,
 * when another contact or channel can still reach the customer, puts the action back to `planned`
 * at once so the next claim sends it there; anything else is `failed` with `last_error`.
 * `send_attempts` counts these failures only: a worker that dies holding a claim is no attempt.
 * Bounces and final failures are activities on the customer's timeline, so a collector sees why
 * a reminder did not arrive.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { decideSendRetry, isHardBounce, SEND_MAX_ATTEMPTS, type RecipientChoice } from '../channels/index.ts';
import { isRelanceError } from '../errors.ts';
import type { ActionForSend } from './compose.ts';
import { markAddressInvalid, planRecipient } from './recipients.ts';
import type { SendDeps } from './types.ts';

/** After this many failed attempts a transient failure is final: the action is `failed`, visible, not lost. */
export const MAX_SEND_ATTEMPTS = SEND_MAX_ATTEMPTS;

export type FailureOutcome = { kind: 'retry'; error: string } | { kind: 'failed'; error: string } | { kind: 'lost' };

/** Records a failed send of `a` to `choice` (null when it failed before a recipient was chosen), at `now`. */
export async function recordFailure(
  db: Db,
  deps: SendDeps,
  a: ActionForSend,
  choice: RecipientChoice | null,
  e: unknown,
  now: Date = new Date(),
): Promise<FailureOutcome> {
  const error = e instanceof Error ? e.message : String(e);
  const json = JSON.stringify(isRelanceError(e) ? e.toJSON() : { message: error });
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ attempts: number }>(sql`
      SELECT send_attempts AS attempts FROM actions
       WHERE id = ${a.id}::uuid AND status = 'sending' AND claimed_by = ${deps.workerId} FOR UPDATE`);
    // Someone else holds the claim now (our lease ran out): their attempt decides.
    if (!rows[0]) return { kind: 'lost' } as const;
    const attempt = rows[0].attempts + 1;
    const bounced = isHardBounce(e) && choice !== null;
    const invalidated = bounced ? await markAddressInvalid(tx, choice) : false;
    const next = bounced && a.channel !== 'letter' ? await planRecipient(tx, deps, { customerId: a.customer_id, channel: a.channel as 'email' | 'sms', template: a.template }).catch(() => null) : null;
    // A bounce with someone else to reach goes there at once; a transient failure waits its back-off.
    const decision = next !== null && attempt < MAX_SEND_ATTEMPTS ? ({ retry: true, delayMs: 0 } as const) : decideSendRetry(e, attempt);
    const retry = decision.retry;
    const nextAttemptAt = decision.retry && decision.delayMs > 0 ? new Date(now.getTime() + decision.delayMs).toISOString() : null;
    const finalError = decision.retry ? error : decision.reason;
    await tx.execute(sql`
      UPDATE actions SET claimed_by = NULL, updated_at = now(), last_error = ${json}::jsonb, send_attempts = ${attempt},
             next_attempt_at = ${nextAttemptAt}::timestamptz, status = ${retry ? 'planned' : 'failed'}::action_status
       WHERE id = ${a.id}::uuid`);
    if (bounced || !retry) {
      const payload = {
        actionId: a.id, step: a.step, template: a.template, channel: choice?.channel ?? a.channel,
        to: choice?.address ?? null, error: finalError, code: isRelanceError(e) ? e.code : null,
        ...(bounced && { addressInvalidated: invalidated, fallback: next && { channel: next.channel, to: next.address } }),
        final: !retry,
      };
      await tx.execute(sql`
        INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
        VALUES (${a.organization_id}, ${a.customer_id}, 'job:dunning.send', ${bounced ? 'reminder.bounced' : 'reminder.failed'},
                ${JSON.stringify(payload)}::jsonb)`);
    }
    return retry ? ({ kind: 'retry', error } as const) : ({ kind: 'failed', error: finalError } as const);
  });
}
