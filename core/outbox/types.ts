/**
 * The contract between the write-back outbox and the provider connectors: the outbox hands one
 * `OutboxChange` at a time to the connection's `Pusher`, which reports success or a classified error.
 */
import type { RelanceError } from '../errors.ts';

export type Provider = 'quickbooks' | 'xero' | 'hubspot';

/** One change for a provider, as the push loop hands it to the connector. */
export interface OutboxChange {
  readonly id: string;
  readonly organizationId: string;
  readonly connectionId: string;
  readonly provider: Provider;
  /** What to write: "set-dunning-stage", "add-note", "set-disputed", "apply-payment", ... */
  readonly kind: string;
  /** The provider record's canonical entity ("invoice", "company", "payment"). */
  readonly entity: string;
  readonly externalId: string | null;
  /** The provider field it sets, when it sets one (coalescing key). */
  readonly field: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
  /**
   * Stable across retries and across a worker's death: pass it to the provider where it takes one
   * (QuickBooks `requestid`, Xero `Idempotency-Key`), so a re-push after a crash is the same change.
   */
  readonly idempotencyKey: string;
  /** 1 on the first push, 2 on the first retry, … */
  readonly attempt: number;
}

/** Per-item outcome: never thrown, always returned (a batch reports what succeeded and what failed). */
export type PushResult = { readonly ok: true; readonly detail?: Record<string, unknown> } | { readonly error: RelanceError };

/** Writes one change to its provider. A connector supplies one per connection. */
export type Pusher = (change: OutboxChange) => Promise<PushResult>;

/** Finds the pusher of a change's connection; null when no connector can write it (the row parks). */
export type PusherResolver = (change: OutboxChange) => Pusher | null | Promise<Pusher | null>;

/** What a caller asks to write back, inside its own transaction. */
export interface ChangeInput {
  readonly organizationId: string;
  readonly connectionId: string;
  readonly kind: string;
  readonly entity: string;
  readonly externalId?: string | null;
  readonly field?: string | null;
  readonly payload: Record<string, unknown>;
  /** Enqueuing twice with one key is a no-op: the caller's retry cannot write a change twice. */
  readonly idempotencyKey: string;
  /** Rows with one record key are pushed one at a time in order; default `entity:externalId`. */
  readonly recordKey?: string;
}
