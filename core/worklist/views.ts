/** Each user's saved worklist view (filters, sort, page size) per organization. */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import type { Executor } from '../store/index.ts';
import { WORKLIST_FLAGS, WORKLIST_SORTS } from './query.ts';

/** What a view may hold: the list's own query parameters, nothing else. */
export const worklistViewSchema = z.strictObject({
  q: z.string().max(100).optional(),
  sort: z.enum(WORKLIST_SORTS).optional(),
  direction: z.enum(['asc', 'desc']).optional(),
  mine: z.boolean().optional(),
  overdueOnly: z.boolean().optional(),
  flags: z.partialRecord(z.enum(WORKLIST_FLAGS), z.boolean()).optional(),
  riskClass: z.string().max(50).optional(),
  limit: z.number().int().min(1).max(200).optional(),
});
export type WorklistView = z.infer<typeof worklistViewSchema>;

export async function loadWorklistView(db: Executor, userId: string, organizationId: string): Promise<WorklistView | null> {
  const { rows } = await db.execute<{ view: WorklistView }>(sql`SELECT view FROM worklist_views WHERE user_id = ${userId}::uuid AND organization_id = ${organizationId}::uuid`);
  return rows[0]?.view ?? null;
}

/** Saves (replaces) the user's view; a field the list does not know is refused by name. */
export async function saveWorklistView(db: Executor, userId: string, organizationId: string, input: unknown): Promise<WorklistView> {
  const parsed = worklistViewSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || ('keys' in issue ? String((issue as { keys: string[] }).keys[0]) : 'view');
    throw new InvalidInput(`view.${field}: ${issue.message}`, { field });
  }
  await db.execute(sql`
    INSERT INTO worklist_views (user_id, organization_id, view) VALUES (${userId}::uuid, ${organizationId}::uuid, ${JSON.stringify(parsed.data)}::jsonb)
    ON CONFLICT (user_id, organization_id) DO UPDATE SET view = EXCLUDED.view, updated_at = now()`);
  return parsed.data;
}
