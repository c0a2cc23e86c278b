/**
 * What the logged-in member may do in the current organization, as core/access/roles.ts grants it:
 * the console hides or disables what the API would refuse with 403 anyway.
 */
import { session } from './session.js';

const GRANTS = { admin: ['read', 'collect', 'administer'], collector: ['read', 'collect'], viewer: ['read'] };

/** True when the member's role in the current organization allows `permission`. */
export function can(permission) {
  return (GRANTS[session.organization?.role] ?? []).includes(permission);
}
