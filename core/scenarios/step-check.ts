/**
 * A scenario's steps against what exists: every message step must name a template that exists
 * for its channel (shipped, or the organization's own copy), and — when the caller knows which
 * channels are configured — a channel that is. Refused on save naming the step's field
 * (`steps.2.template`), so that a scenario never plans a reminder the send job would have to hold.
 */
import { sql } from 'drizzle-orm';
import { InvalidInput } from '../errors.ts';
import { languagesOf } from '../messages/index.ts';
import type { Executor } from '../store/index.ts';
import type { ScenarioInput } from './schema.ts';

const MESSAGE_STEPS = new Set(['email', 'sms', 'letter']);

/** Throws `InvalidInput` naming the first step that cannot be sent; `channels` null skips the channel check. */
export async function checkScenarioSteps(db: Executor, organizationId: string, scenario: ScenarioInput, channels: readonly string[] | null = null): Promise<void> {
  for (const [i, step] of scenario.steps.entries()) {
    if (!MESSAGE_STEPS.has(step.action)) continue;
    if (channels && !channels.includes(step.action)) {
      throw new InvalidInput(`steps.${i}.action: no ${step.action} channel is configured for this organization`, { field: `steps.${i}.action` });
    }
    if ((await languagesOf(step.action as 'email' | 'sms' | 'letter', step.template)).length > 0) continue;
    const { rows } = await db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM template_overrides WHERE organization_id = ${organizationId}::uuid AND channel = ${step.action} AND name = ${step.template}`);
    if ((rows[0]?.n ?? 0) === 0) {
      throw new InvalidInput(`steps.${i}.template: no ${step.action} template "${step.template}" (shipped or the organization's own)`, { field: `steps.${i}.template` });
    }
  }
}
