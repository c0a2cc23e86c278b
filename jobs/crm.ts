/**
 * `crm.pull`: one sync of a CRM connection's own records (HubSpot companies, deals, invoices
 * object), then matching; each customer whose CRM flags changed gets a `dunning.runCustomer`. Thin:
 * it validates its data and calls core/crm-control. A webhook queues it after applying the flags.
 */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { CRM_STREAMS } from '../connectors/hubspot/index.ts';
import { connectorFor } from '../connectors/index.ts';
import { runCrmSync } from '../core/crm-control/index.ts';
import { getConnection } from '../core/connections/index.ts';
import { InvalidInput } from '../core/errors.ts';
import type { SyncJobDeps } from './sync.ts';

export const CRM_PULL = 'crm.pull';

const crmPullData = z.object({ connectionId: z.uuid(), full: z.boolean().optional() });

export function defineCrmJobs(agenda: Agenda, deps: SyncJobDeps): void {
  agenda.define(CRM_PULL, async (job) => {
    const parsed = crmPullData.safeParse(job.attrs.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInput(`${CRM_PULL}: ${issue.path.join('.') || 'data'}: ${issue.message}`, { field: issue.path.join('.') });
    }
    const { connectionId, full } = parsed.data;
    const { organizationId } = await getConnection(deps.store.pool, connectionId);
    const report = await runCrmSync({ store: deps.store, keys: deps.keys, connectorFor }, connectionId, {
      streams: CRM_STREAMS,
      ...(full ? { full } : {}),
      onCustomersChanged: async (ids) => {
        for (const customerId of ids) await agenda.now('dunning.runCustomer', { organizationId, customerId });
      },
    });
    deps.logger.info('crm sync done', { connectionId, matching: report.matching, companies: report.streams.company?.pulled ?? 0 });
  }, { concurrency: 1 });
}
