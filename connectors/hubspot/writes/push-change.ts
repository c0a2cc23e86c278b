/**
 * Which HubSpot write carries each kind of the write-back vocabulary (connectors/contract.ts).
 * HubSpot holds the CRM company, not the ledger: invoice-level kinds are refused by name and the
 * outbox parks them.
 */
import { InvalidInput, NotFound } from '../../../core/errors.ts';
import type { PushChange, PushOptions, PushResult } from '../../contract.ts';
import type { HubSpotClient } from '../client.ts';
import { createNote } from './create-note.ts';
import { createTask } from './create-task.ts';
import { toPartialCompanyProperties, updateCompanyProperties } from './update-companies.ts';

/**
 * A task's due date as HubSpot's `hs_timestamp`: noon UTC, so that the day shown in the owner's
 * time zone (HubSpot renders it in the user's zone) is the day Relance meant, from UTC-11 to UTC+11.
 * https://developers.hubspot.com/docs/api/crm/tasks
 */
export function dueAtNoonUtc(day: string): Date {
  return new Date(`${day}T12:00:00.000Z`);
}

export async function pushChange(client: HubSpotClient, change: PushChange, options: PushOptions = {}): Promise<PushResult> {
  switch (change.kind) {
    case 'set_company_properties': {
      const [result] = await updateCompanyProperties(client, [{ companyId: change.companyExternalId, properties: toPartialCompanyProperties(change.properties) }]);
      if (!result!.ok) {
        const Failure = /OBJECT_NOT_FOUND/.test(result!.error ?? '') ? NotFound : InvalidInput;
        throw new Failure(`hubspot company ${change.companyExternalId}: ${result!.error}`, { field: 'companyExternalId' });
      }
      return { externalId: change.companyExternalId, version: null, attempts: 1 };
    }
    case 'add_company_note': {
      const { noteId } = await createNote(client, { companyId: change.companyExternalId, body: change.body, at: new Date(change.timestamp) }, options.requestKey);
      return { externalId: noteId, version: null, attempts: 1 };
    }
    case 'create_owner_task': {
      const { taskId } = await createTask(client, {
        companyId: change.companyExternalId, ownerId: change.ownerExternalId ?? null, subject: change.subject, body: change.body,
        dueAt: dueAtNoonUtc(change.dueDate),
      }, options.requestKey);
      return { externalId: taskId, version: null, attempts: 1 };
    }
    default:
      // Invoice-level changes belong to the accounting system; HubSpot gets company state instead.
      throw new InvalidInput(`hubspot: "${change.kind}" is not possible in HubSpot (company-level write-back: set_company_properties, add_company_note, create_owner_task)`, { field: 'kind' });
  }
}
