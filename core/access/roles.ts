/**
 * Roles per organization and what each may do. A user with no membership in an organization is,
 * for that organization, nobody: callers answer 404 so that its existence is not revealed.
 */
export const ROLES = ['admin', 'collector', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `read`: see the organization's data. `collect`: work the receivables (approve or reject actions,
 * disputes, promises, portal links, outbox retries). `administer`: settings, connections,
 * mappings, scenarios, users.
 */
export type Permission = 'read' | 'collect' | 'administer';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'collect', 'administer'],
  collector: ['read', 'collect'],
  viewer: ['read'],
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export interface Membership {
  organizationId: string;
  role: Role;
  /** Sees only the customers assigned to the user. */
  assignedOnly: boolean;
}

/** Who is calling: a user, through a session (cookie) or an API key (Bearer). */
export interface Principal {
  userId: string;
  email: string;
  via: 'session' | 'api_key';
  /** The session's CSRF token (session only): cookie-authenticated writes must echo it. */
  csrfToken: string | null;
  sessionId: string | null;
  memberships: readonly Membership[];
  /** An API key made read-only: only safe methods (GET) pass, whatever the role. */
  readOnly?: boolean;
}

export function membershipIn(principal: Principal, organizationId: string): Membership | null {
  return principal.memberships.find((m) => m.organizationId === organizationId) ?? null;
}

/** The actor string written to activities and audit rows. */
export function actorOf(principal: Principal): string {
  return `user:${principal.userId}`;
}
