/**
 * Creates the "Relance" property group on companies and its properties when they are missing, at
 * connect time — on companies only: no public-app scope allows custom properties on notes or tasks
 * (a 403 there failed the whole connection), so their writes are keyed by a marker in the body
 * (keyed-create.ts). Idempotent: it reads first and
 * creates only what is absent, so a second connect makes two reads per object type and no write;
 * a 409 (someone created it in between) counts as present.
 * https://developers.hubspot.com/docs/api/crm/properties
 */
import { z } from 'zod';
import { Conflict } from '../../../core/errors.ts';
import type { HubSpotClient } from '../client.ts';
import { propertiesSchema, propertyGroupsSchema } from '../schemas.ts';
import { RELANCE_GROUP, RELANCE_PROPERTIES, type PropertyDefinition } from './relance-properties.ts';

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

/** The Relance group on one object type and the given properties in it; returns what it created. */
async function ensureOn(client: HubSpotClient, objectType: string, definitions: readonly PropertyDefinition[]): Promise<{ groupCreated: boolean; created: string[] }> {
  const out = { groupCreated: false, created: [] as string[] };
  // https://developers.hubspot.com/docs/api/crm/properties#retrieve-property-groups
  const groups = await client.request(`read ${objectType} property groups`, { method: 'GET', path: `/crm/v3/properties/${objectType}/groups` }, propertyGroupsSchema);
  if (!groups.data.results.some((g) => g.name === RELANCE_GROUP.name)) {
    // https://developers.hubspot.com/docs/api/crm/properties#create-a-property-group
    out.groupCreated = await createIgnoringConflict(() =>
      client.request('create property group', { method: 'POST', path: `/crm/v3/properties/${objectType}/groups`, body: { ...RELANCE_GROUP } }, created, { retryConflicts: false }),
    );
  }
  // https://developers.hubspot.com/docs/api/crm/properties#retrieve-properties
  const existing = await client.request(`read ${objectType} properties`, { method: 'GET', path: `/crm/v3/properties/${objectType}` }, propertiesSchema);
  const names = new Set(existing.data.results.map((p) => p.name));
  for (const definition of definitions) {
    if (names.has(definition.name)) continue;
    // https://developers.hubspot.com/docs/api/crm/properties#create-a-property
    const made = await createIgnoringConflict(() =>
      client.request(`create property ${definition.name}`, { method: 'POST', path: `/crm/v3/properties/${objectType}`, body: { ...definition, groupName: RELANCE_GROUP.name } }, created, { retryConflicts: false }),
    );
    if (made) out.created.push(definition.name);
  }
  return out;
}

export async function ensureRelanceProperties(client: HubSpotClient): Promise<EnsureReport> {
  const companies = await ensureOn(client, 'companies', RELANCE_PROPERTIES);
  return { groupCreated: companies.groupCreated, propertiesCreated: companies.created };
}
