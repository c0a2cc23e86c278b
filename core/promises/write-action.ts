/** The resumed step as the dunning engine's planned action, written by core/agenda's batch writer. */
import type { IsoDate } from '../calendar/index.ts';
import { writeBatch as writeAgendaBatch } from '../agenda/index.ts';
import type { PlannedAction } from '../dunning/index.ts';
import { NO_FEES } from '../fees/index.ts';
import type { StepAction } from '../ledger/index.ts';
import type { Db } from '../store/db.ts';

export interface PlannedActionLike {
  customerId: string;
  scenario: string;
  step: number;
  action: string;
  template: string;
  date: IsoDate;
  status: 'planned' | 'awaiting_approval';
  invoiceIds: string[];
  amountDue: bigint;
  currency: string;
}

export async function writeBatch(db: Db, organizationId: string, asOf: IsoDate, scenarioId: string, a: PlannedActionLike): Promise<void> {
  const planned: PlannedAction = {
    customerExternalId: a.customerId, scenario: a.scenario, step: a.step, action: a.action as StepAction, template: a.template,
    date: a.date, status: a.status, invoiceExternalIds: a.invoiceIds,
    levels: a.invoiceIds.map((id) => ({ invoiceExternalId: id, step: a.step })),
    amountDue: a.amountDue, currency: a.currency, fees: NO_FEES,
  };
  await writeAgendaBatch(db, { organizationId, asOf, customerIds: [a.customerId], actions: [planned], scenarioIds: new Map([[a.scenario, scenarioId]]) });
}
