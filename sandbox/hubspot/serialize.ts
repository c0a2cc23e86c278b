/**
 * A CRM record as the v3 API prints it: `{id, properties, createdAt, updatedAt, archived}`, with
 * the default properties of its type unless `properties` names others (unknown names are left out,
 * known but unset ones come back as null), and v3 `associations` when asked.
 *
 * https://developers.hubspot.com/docs/api/crm/understanding-the-crm#properties
 */
import type { Portal, ObjectType } from './seed.ts';
import { associationKinds } from './store.ts';
import type { CrmObject } from './store.ts';
import { validationError } from './errors.ts';

// What a response shows when no `properties` are asked for.
const DEFAULT_PROPERTIES: Record<ObjectType, string[]> = {
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  tasks: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
};

// Always present, whatever was asked.
const ALWAYS = ['createdate', 'hs_lastmodifieddate', 'hs_object_id'];

const TYPE_ALIASES: Record<string, ObjectType> = {
  companies: 'companies',
  company: 'companies',
  '0-2': 'companies',
  contacts: 'contacts',
  contact: 'contacts',
  '0-1': 'contacts',
  notes: 'notes',
  note: 'notes',
  '0-46': 'notes',
  tasks: 'tasks',
  task: 'tasks',
  '0-27': 'tasks',
  deals: 'deals',
  deal: 'deals',
  '0-3': 'deals',
};

export function objectTypeOf(raw: string): ObjectType {
  const type = TYPE_ALIASES[raw.toLowerCase()];
  if (!type) throw validationError(`Unable to infer object type from: ${raw}`);
  return type;
}

/** `properties=a&properties=b` and `properties=a,b` both work, as in HubSpot. */
export function listParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface ObjectJson {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  associations?: Record<string, { results: { id: string; type: string }[] }>;
}

export function toJson(
  portal: Portal,
  type: ObjectType,
  obj: CrmObject,
  requested: string[] | undefined,
  associations?: string[],
): ObjectJson {
  const names = requested?.length ? [...new Set([...requested, ...ALWAYS])] : DEFAULT_PROPERTIES[type];
  const properties: Record<string, string | null> = {};
  for (const name of names) {
    if (name in obj.properties) properties[name] = obj.properties[name] ?? null;
    else if (portal.properties.get(type, name)) properties[name] = null;
  }
  const json: ObjectJson = {
    id: obj.id,
    properties,
    createdAt: obj.createdAt,
    updatedAt: obj.updatedAt,
    archived: obj.archived,
  };
  if (associations?.length) {
    const out: NonNullable<ObjectJson['associations']> = {};
    for (const raw of associations) {
      const to = TYPE_ALIASES[raw.toLowerCase()];
      if (!to) continue;
      const kinds = associationKinds(type, to);
      const results = portal.associations
        .targets(type, obj.id, to)
        .flatMap((id) => kinds.map((k) => ({ id, type: k.v3Name })));
      // HubSpot leaves out association types with nothing linked.
      if (results.length) out[to] = { results };
    }
    if (Object.keys(out).length) json.associations = out;
  }
  return json;
}
