/**
 * Names for the ids that lists carry (a dispute's customer and invoices): fetched once per id and
 * kept for the page's life. A record the member may not see shows as its id's start.
 */
import { api } from './api.js';
import { orgPath } from './session.js';

/** A cache of `GET <orgPath(prefix)>/<id>` answers turned into a label by `label`. */
export function lookup(prefix, label) {
  const cache = new Map();
  return async function labelsOf(ids) {
    const missing = [...new Set(ids)].filter((id) => !cache.has(id));
    await Promise.all(missing.map(async (id) => {
      const record = await api(orgPath(`${prefix}/${id}`)).catch(() => null);
      cache.set(id, record ? label(record) : `${id.slice(0, 8)}…`);
    }));
    return new Map(ids.map((id) => [id, cache.get(id)]));
  };
}
