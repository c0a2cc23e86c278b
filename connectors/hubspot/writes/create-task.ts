/**
 * A task for the company owner when a scenario step escalates to sales, associated task → company
 * (type 192). Without an owner the task is created unassigned: HubSpot shows it in the task queue.
 * https://developers.hubspot.com/docs/api/crm/tasks
 */
import type { HubSpotClient } from '../client.ts';
import { TASK_TO_COMPANY } from '../profile.ts';
import { escapeHtml } from './create-note.ts';
import { createOnce } from './keyed-create.ts';

export interface CompanyTask {
  companyId: string;
  ownerId: string | null;
  subject: string;
  body: string;
  /** When the task is due (`hs_timestamp`). */
  dueAt: Date;
}

/** `key`: the outbox's request key; a second call with the same key returns the first task. */
export async function createTask(client: HubSpotClient, task: CompanyTask, key?: string): Promise<{ taskId: string }> {
  const properties: Record<string, string> = {
    hs_timestamp: task.dueAt.toISOString(),
    hs_task_subject: task.subject,
    hs_task_body: escapeHtml(task.body),
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: 'HIGH',
  };
  if (task.ownerId) properties.hubspot_owner_id = task.ownerId;
  const body = {
    properties,
    associations: [{ to: { id: task.companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TASK_TO_COMPANY }] }],
  };
  return { taskId: await createOnce(client, 'tasks', body, key) };
}
