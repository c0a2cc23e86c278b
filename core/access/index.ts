/** Access control: users, passwords, sessions, API keys, roles per organization, assignments, audit. */
export { hashPassword, verifyPassword, needsRehash, passwordProblem, generatePassword, DEFAULT_SCRYPT, MIN_PASSWORD_LENGTH, type ScryptParams } from './password.ts';
export { ROLES, roleAllows, membershipIn, actorOf, type Role, type Permission, type Membership, type Principal } from './roles.ts';
export { createUser, getUser, findUserByEmail, authenticate, setPassword, listMembers, normalizeEmail, type UserRecord, type MemberRecord, type NewUser } from './users.ts';
export { parseRole, grantMembership, revokeMembership, loadMemberships, assignCustomers, unassignCustomer, assignedCustomerIds } from './memberships.ts';
export {
  createSession, resolveSession, revokeSession, revokeUserSessions, createApiKey, resolveApiKey, listApiKeys, revokeApiKey,
  SESSION_TTL_MS, type NewSession, type NewApiKey,
} from './sessions.ts';
export { FailureWindow, LOGIN_LIMITS, type LimitRule } from './login-limiter.ts';
export { recordAudit, type AuditEntry } from './audit.ts';
export { randomSecret, sha256Hex } from './secret-token.ts';
