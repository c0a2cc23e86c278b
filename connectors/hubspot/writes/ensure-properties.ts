/**
 * Creates the "Relance" property group on companies and its properties when they are missing, at
 * connect time. Idempotent: it reads first and creates only what is absent, so a second connect
 * makes two reads and no write; a 409 (someone created it in between) counts as present.
 * https://developers.hubspot.com/docs/api/crm/properties
 */
import { z } from 'zod';
import { Conflict } from '../../../core/errors.ts';
import type { HubSpotClient } from '../client.ts';
import { propertiesSchema, propertyGroupsSchema } from '../schemas.ts';
import { RELANCE_GROUP, RELANCE_PROPERTIES } from './relance-properties.ts';

export interface EnsureReport {
  groupCreated: boolean;
  propertiesCreated: string[];
}

const created = z.looseObject({ name: z.string() });

async function createIgnoringConflict(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (error instanceof Conflict) return false;
    throw error;
  }
}

export async function ensureRelanceProperties(client: HubSpotClient): Promise<EnsureReport> {
  const report: EnsureReport = { groupCreated: false, propertiesCreated: [] };
  // https://developers.hubspot.com/docs/api/crm/properties#retrieve-property-groups
  const groups = await client.request('read company property groups', { method: 'GET', path: '/crm/v3/properties/companies/groups' }, propertyGroupsSchema);
  if (!groups.data.results.some((g) => g.name === RELANCE_GROUP.name)) {
    // https://developers.hubspot.com/docs/api/crm/properties#create-a-property-group
    report.groupCreated = await createIgnoringConflict(() =>
      client.request('create property group', { method: 'POST', path: '/crm/v3/properties/companies/groups', body: { ...RELANCE_GROUP } }, created, { retryConflicts: false }),
    );
  }
  // https://developers.hubspot.com/docs/api/crm/properties#retrieve-properties
  const existing = await client.request('read company properties', { method: 'GET', path: '/crm/v3/properties/companies' }, propertiesSchema);
  const names = new Set(existing.data.results.map((p) => p.name));
  for (const definition of RELANCE_PROPERTIES) {
    if (names.has(definition.name)) continue;
    // https://developers.hubspot.com/docs/api/crm/properties#create-a-property
    const made = await createIgnoringConflict(() =>
      client.request(`create property ${definition.name}`, { method: 'POST', path: '/crm/v3/properties/companies', body: { ...definition, groupName: RELANCE_GROUP.name } }, created, { retryConflicts: false }),
    );
    if (made) report.propertiesCreated.push(definition.name);
  }
  return report;
}
