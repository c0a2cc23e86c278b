/**
 * What a reply does to a customer's dunning, per scenario: `hold` the next reminder until a
 * collector handles the conversation, or just `notify`; and whether an out-of-office date
 * postpones the next step. A scenario without its own policy follows the mailbox's defaults.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import type { Db } from '../store/db.ts';

type Executor = Pick<Db, 'execute'>;

export interface ReplyPolicy {
  scenario: string | null;
  onReply: 'hold' | 'notify';
  postponeOnOutOfOffice: boolean;
}

export const policyInputSchema = z.object({ onReply: z.enum(['hold', 'notify']), postponeOnOutOfOffice: z.boolean().default(false) });

/** The policy for a customer's reply: the scenario of the reminder it answers, else of its last reminder. */
export async function replyPolicy(db: Executor, organizationId: string, customerId: string, actionId: string | null): Promise<ReplyPolicy> {
  const { rows } = await db.execute<{ scenario: string | null; on_reply: 'hold' | 'notify' | null; postpone: boolean | null; d_on_reply: 'hold' | 'notify' | null; d_postpone: boolean | null }>(sql`
    WITH s AS (
      SELECT details->>'scenario' AS scenario FROM actions
       WHERE organization_id = ${organizationId}::uuid AND customer_id = ${customerId}::uuid
         AND (${actionId}::uuid IS NULL OR id = ${actionId}::uuid) AND details ? 'scenario'
       ORDER BY (id = ${actionId}::uuid) DESC NULLS LAST, sent_at DESC NULLS LAST, created_at DESC LIMIT 1)
    SELECT s.scenario, p.on_reply, p.postpone_on_out_of_office AS postpone, m.on_reply AS d_on_reply, m.postpone_on_out_of_office AS d_postpone
      FROM (SELECT 1) one LEFT JOIN s ON true
      LEFT JOIN inbox_scenario_policies p ON p.organization_id = ${organizationId}::uuid AND p.scenario = s.scenario
      LEFT JOIN inbox_mailboxes m ON m.organization_id = ${organizationId}::uuid`);
  const r = rows[0];
  return { scenario: r?.scenario ?? null, onReply: r?.on_reply ?? r?.d_on_reply ?? 'hold', postponeOnOutOfOffice: r?.postpone ?? r?.d_postpone ?? false };
}

/** Sets a scenario's reply policy. */
export async function saveReplyPolicy(db: Executor, organizationId: string, scenario: string, input: unknown): Promise<ReplyPolicy> {
  const parsed = policyInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`policy.${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const p = parsed.data;
  await db.execute(sql`
    INSERT INTO inbox_scenario_policies (organization_id, scenario, on_reply, postpone_on_out_of_office)
    VALUES (${organizationId}::uuid, ${scenario}, ${p.onReply}, ${p.postponeOnOutOfOffice})
    ON CONFLICT (organization_id, scenario) DO UPDATE SET on_reply = EXCLUDED.on_reply, postpone_on_out_of_office = EXCLUDED.postpone_on_out_of_office, updated_at = now()`);
  return { scenario, onReply: p.onReply, postponeOnOutOfOffice: p.postponeOnOutOfOffice };
}
