/**
 * Creating a note or a task at most once per write, without any custom property on them (a public
 * app cannot define one on notes or tasks): the body ends with a marker holding the outbox's
 * request key, and before EVERY attempt — the first, and each retry after a lost answer — the
 * records are searched for that marker. The create itself is never retried blindly by the HTTP
 * layer: an answer lost on the way back is a transient failure, and the loop looks again first.
 * HubSpot's search index trails a create by a few seconds, so each look after a failure waits.
 * https://developers.hubspot.com/docs/api/crm/search (CONTAINS_TOKEN)
 */
import { z } from 'zod';
import { Transient } from '../../../core/errors.ts';
import type { HubSpotClient } from '../client.ts';
import { createdObjectSchema } from '../schemas.ts';

const searchAnswer = z.looseObject({ results: z.array(z.looseObject({ id: z.string() })) });

/** Attempts of one create, each preceded by a search for the marker. */
export const CREATE_ATTEMPTS = 5;
/** How long a look after a failed attempt waits for HubSpot's search index, per attempt made. */
export const INDEX_LAG_MS = 2_000;

const BODY_PROPERTY = { notes: 'hs_note_body', tasks: 'hs_task_body' } as const;

/** The marker a body ends with: one search token (the key is hex), in a line a reader can ignore. */
export function writeMarker(key: string): string {
  return `<p><small>relance-ref ${key}</small></p>`;
}

export async function findByMarker(client: HubSpotClient, objectType: 'notes' | 'tasks', key: string): Promise<string | null> {
  const body = { filterGroups: [{ filters: [{ propertyName: BODY_PROPERTY[objectType], operator: 'CONTAINS_TOKEN', value: key }] }], properties: [BODY_PROPERTY[objectType]], limit: 1 };
  const answer = await client.request(`find ${objectType} by marker`, { method: 'POST', path: `/crm/v3/objects/${objectType}/search`, body }, searchAnswer, { search: true });
  return answer.data.results[0]?.id ?? null;
}

/** Creates the record unless one carrying `key` exists; returns its id either way. */
export async function createOnce(
  client: HubSpotClient,
  objectType: 'notes' | 'tasks',
  body: { properties: Record<string, string>; associations: unknown[] },
  key: string | undefined,
): Promise<string> {
  const name = `create ${objectType === 'notes' ? 'note' : 'task'}`;
  const request = (properties: Record<string, string>, retryTransient: boolean) =>
    client.request(name, { method: 'POST', path: `/crm/v3/objects/${objectType}`, body: { ...body, properties } }, createdObjectSchema, { retryConflicts: false, retryTransient });
  if (!key) return (await request(body.properties, true)).data.id;
  const property = BODY_PROPERTY[objectType];
  const properties = { ...body.properties, [property]: `${body.properties[property] ?? ''}${writeMarker(key)}` };
  const sleep = client.context.clock?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    const found = await findByMarker(client, objectType, key);
    if (found) return found;
    try {
      return (await request(properties, false)).data.id;
    } catch (error) {
      if (!(error instanceof Transient) || attempt >= CREATE_ATTEMPTS) throw error;
      await sleep(INDEX_LAG_MS * attempt);
    }
  }
}
