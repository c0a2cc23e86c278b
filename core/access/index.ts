/** Access control: users, passwords, sessions, API keys, roles per organization, assignments, audit. */
export { hashPassword, verifyPassword, needsRehash, passwordProblem, generatePassword, DEFAULT_SCRYPT, MIN_PASSWORD_LENGTH, type ScryptParams } from './password.ts';
export { ROLES, roleAllows, membershipIn, actorOf, type Role, type Permission, type Membership, type Principal } from './roles.ts';
export { createUser, getUser, findUserByEmail, authenticate, setPassword, setUserDisabled, listMembers, normalizeEmail, type UserRecord, type MemberRecord, type NewUser } from './users.ts';
export { parseRole, grantMembership, revokeMembership, loadMemberships, assignCustomers, unassignCustomer, assignedCustomerIds } from './memberships.ts';
export {
  createSession, resolveSession, revokeSession, revokeUserSessions, revokeUserApiKeys, createApiKey, resolveApiKey, listApiKeys, revokeApiKey,
  SESSION_TTL_MS, type NewSession, type NewApiKey,
} from './sessions.ts';
export { LOGIN_LIMITS, PORTAL_FORM_LIMIT, reserveAttempt, releaseAttempt, resetLimit, type LimitRule, type Reservation } from './rate-limit.ts';
export { recordAudit, type AuditEntry } from './audit.ts';
export { randomSecret, sha256Hex } from './secret-token.ts';
