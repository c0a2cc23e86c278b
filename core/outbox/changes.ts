/**
 * The outbox speaks the connector contract's write-back vocabulary (`PushChange`,
 * connectors/contract.ts): a row's `kind` is the change's kind, its `payload` the rest, and its
 * record (ordering scope) and field (coalescing key) follow from the change. Only the contract is
 * imported here, never a connector.
 */
import { InvalidInput } from '../errors.ts';
import { pushChangeSchema, type PushChange } from './push-change.ts';
import type { Tx } from '../store/index.ts';
import { enqueueChange, enqueueChanges, type EnqueueResult } from './enqueue.ts';
import type { OutboxChange } from './types.ts';

/** The provider record a change writes to, and the field it sets when a newer value replaces an older one. */
export function changeTarget(change: PushChange): { entity: string; externalId: string; field: string | null } {
  switch (change.kind) {
    case 'set_dunning_stage':
      return { entity: 'invoice', externalId: change.invoiceExternalId, field: 'dunning_stage' };
    case 'set_disputed':
      return { entity: 'invoice', externalId: change.invoiceExternalId, field: 'disputed' };
    case 'reminder_sent':
    case 'promise_recorded':
      return { entity: 'invoice', externalId: change.invoiceExternalId, field: null };
    case 'apply_payment':
      return { entity: change.source === 'credit_note' ? 'creditNote' : change.source, externalId: change.sourceExternalId, field: null };
    case 'set_company_properties':
      // A newer write of the same properties replaces the older one still pending (issue 13.9:
      // coalesced, one push per company and set of properties, not one per change).
      return { entity: 'company', externalId: change.companyExternalId, field: `properties:${Object.keys(change.properties).sort().join(',')}` };
    case 'add_company_note':
    case 'create_owner_task':
      // Notes and tasks: none replaces another.
      return { entity: 'company', externalId: change.companyExternalId, field: null };
    case 'post_fee_invoice':
      // A new invoice: its own record, ordered by nothing else.
      return { entity: 'feeInvoice', externalId: change.feePostingId, field: null };
  }
}

function parseChange(value: unknown, where: string): PushChange {
  const parsed = pushChangeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.') || 'kind';
  throw new InvalidInput(`${where}.${path}: ${issue.message}`, { field: path });
}

export interface PushChangeInput {
  readonly organizationId: string;
  readonly connectionId: string;
  readonly change: PushChange;
  readonly idempotencyKey: string;
}

/** Enqueues one change of the vocabulary in `tx`, checked against the contract's schema first. */
export function enqueuePushChange(tx: Tx, input: PushChangeInput): Promise<EnqueueResult> {
  const change = parseChange(input.change, 'write-back change');
  const { kind, ...payload } = change;
  const target = changeTarget(change);
  return enqueueChange(tx, {
    organizationId: input.organizationId,
    connectionId: input.connectionId,
    kind,
    entity: target.entity,
    externalId: target.externalId,
    field: target.field,
    payload,
    idempotencyKey: input.idempotencyKey,
  });
}

/** A claimed row as the contract's change; an `InvalidInput` (the row parks) when it is not one. */
export function toPushChange(row: Pick<OutboxChange, 'kind' | 'payload' | 'id'>): PushChange {
  return parseChange({ ...row.payload, kind: row.kind }, `outbox row ${row.id}`);
}

/** Enqueues many changes of the vocabulary in `tx`, in order, in two statements (enqueue.ts `enqueueChanges`); returns how many were written. */
export function enqueuePushChanges(tx: Tx, inputs: readonly PushChangeInput[]): Promise<number> {
  return enqueueChanges(tx, inputs.map((input) => {
    const change = parseChange(input.change, 'write-back change');
    const { kind, ...payload } = change;
    const target = changeTarget(change);
    return {
      organizationId: input.organizationId, connectionId: input.connectionId, kind, entity: target.entity,
      externalId: target.externalId, field: target.field, payload, idempotencyKey: input.idempotencyKey,
    };
  }));
}
