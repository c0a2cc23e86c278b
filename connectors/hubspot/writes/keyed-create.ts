/**
 * Creating a note or a task at most once per write: HubSpot has no idempotency header, so the
 * create carries the outbox's request key in `relance_key`, and a retry first searches for a record
 * with that key. A retry comes after a lease expires (minutes), well after HubSpot's search index
 * has caught up with the first create (seconds).
 * https://developers.hubspot.com/docs/api/crm/search
 */
import { z } from 'zod';
import type { HubSpotClient } from '../client.ts';
import { createdObjectSchema } from '../schemas.ts';
import { WRITE_KEY_PROPERTY } from './relance-properties.ts';

const searchAnswer = z.looseObject({ results: z.array(z.looseObject({ id: z.string() })) });

export async function findByKey(client: HubSpotClient, objectType: 'notes' | 'tasks', key: string): Promise<string | null> {
  const body = { filterGroups: [{ filters: [{ propertyName: WRITE_KEY_PROPERTY.name, operator: 'EQ', value: key }] }], properties: [WRITE_KEY_PROPERTY.name], limit: 1 };
  const answer = await client.request(`find ${objectType} by key`, { method: 'POST', path: `/crm/v3/objects/${objectType}/search`, body }, searchAnswer);
  return answer.data.results[0]?.id ?? null;
}

/** Creates the record unless one with `key` exists; returns its id either way. */
export async function createOnce(
  client: HubSpotClient,
  objectType: 'notes' | 'tasks',
  body: { properties: Record<string, string>; associations: unknown[] },
  key: string | undefined,
): Promise<string> {
  if (key) {
    const found = await findByKey(client, objectType, key);
    if (found) return found;
  }
  const properties = key ? { ...body.properties, [WRITE_KEY_PROPERTY.name]: key } : body.properties;
  const answer = await client.request(`create ${objectType === 'notes' ? 'note' : 'task'}`, { method: 'POST', path: `/crm/v3/objects/${objectType}`, body: { ...body, properties } }, createdObjectSchema);
  return answer.data.id;
}
