/**
 * Disabling a user from the console: `POST …/members/:userId/disable` (and `/enable`). A disabled
 * user's sessions end and API keys are revoked at once (core/access setUserDisabled). An account is
 * global while an admin's rights are per organization: only an admin of every organization the
 * user belongs to may disable them (else 403), and an admin cannot disable themselves.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, loadMemberships, membershipIn, recordAudit, roleAllows, setUserDisabled } from '../../core/access/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const memberParams = orgParams.extend({ userId: z.uuid() });

export function userStatusRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;
  for (const verb of ['disable', 'enable'] as const) {
    const summary = verb === 'disable' ? 'Disable a user (ends their sessions, revokes their API keys)' : 'Enable a disabled user again';
    defineRoute(app, registry, { method: 'POST', url: `/api/organizations/:orgId/members/:userId/${verb}`, summary, tag: 'access', params: memberParams }, async ({ principal, params }) => {
      requireOrg(principal, params.orgId, 'administer', `${verb === 'disable' ? 'disabling' : 'enabling'} users`);
      if (params.userId === principal.userId) throw new HttpError(409, 'conflict', `userId: an admin cannot ${verb} themselves`, 'userId');
      const theirs = await loadMemberships(db, params.userId);
      if (!theirs.some((m) => m.organizationId === params.orgId)) throw notFound('member', 'userId');
      const elsewhere = theirs.find((m) => !roleAllows(membershipIn(principal, m.organizationId)?.role ?? 'viewer', 'administer'));
      if (elsewhere) throw new HttpError(403, 'forbidden', `userId: the user also belongs to an organization you do not administer; ask its admin or use relance user ${verb}`, 'userId');
      const user = await db.transaction(async (tx) => {
        const updated = await setUserDisabled(tx, params.userId, verb === 'disable');
        for (const m of theirs) await recordAudit(tx, { organizationId: m.organizationId, actor: actorOf(principal), kind: `audit.user.${verb}`, payload: { userId: params.userId } });
        return updated;
      });
      return { id: user.id, email: user.email, disabled: user.disabled };
    });
  }
}
