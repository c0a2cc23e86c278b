/** What the sync engine needs from a connector: its streams and a pull over them. */
import type { ConnectionSettings } from '../connections/index.ts';
import type { AccountLimiter, AttemptRecord, Clock, RetryPolicy, TokenSource } from '../http/index.ts';
import type { JsonValue, StoredEntity } from '../store/index.ts';

/** Everything a connector needs to talk for one connection. */
export interface ConnectionContext {
  connectionId: string;
  settings: ConnectionSettings;
  tokens: TokenSource;
  limiter: AccountLimiter;
  policy: RetryPolicy;
  clock?: Clock;
  onAttempt?: (record: AttemptRecord) => void;
}

/** One thing a connector pulls (QuickBooks `Customer`) and the canonical entities it feeds. */
export interface StreamSpec {
  /** The cursor key and the name a webhook or `--entity` uses (`customer`, `invoice`, …). */
  name: string;
  /** Each raw record is mapped by every one of these (a customer also yields its billing contact). */
  produces: readonly { entity: StoredEntity; mapping: string }[];
}

/** One page of raw records and the cursor to save with it. */
export interface PulledPage {
  /** Live records, as the provider sent them. */
  records: unknown[];
  /** Records the provider says were deleted, with its notice: they become `void` (or inactive), never vanish. */
  deleted: { externalId: string; raw: unknown }[];
  /** Saved in the same transaction as the records; the next pull resumes from it. */
  cursor: JsonValue;
  /** `full`: a listing of everything; `incremental`: changes only. */
  mode: 'full' | 'incremental';
  /**
   * Optional: the page lists EVERY live record whose numeric key lies in (afterKey, throughKey]
   * (null: unbounded). Stored records of the stream in that range that `keys` lacks were deleted at
   * the source and are voided like `deleted` ones (QuickBooks re-listing a CDC window it could not read whole).
   */
  listing?: { afterKey: string | null; throughKey: string | null; keys: string[] };
}

/** A connector bound to a connection, as the engine sees it. */
export interface SyncSource {
  provider: string;
  streams: readonly StreamSpec[];
  /** Full when `cursor` is null, incremental otherwise; a full pull resumes from its own cursor. */
  pull(stream: string, cursor: JsonValue): AsyncIterable<PulledPage>;
}

export interface StreamReport {
  mode: 'full' | 'incremental' | 'none';
  pages: number;
  /** Raw records pulled (deleted ones included). */
  pulled: number;
  /** Rows written per canonical entity. */
  written: Partial<Record<StoredEntity, number>>;
  /** Records not written because the stored one is newer. */
  skippedOlder: number;
  /** Records set aside with their reason (see `rejected_records`). */
  rejected: number;
  /** Records made void (or inactive) because the provider deleted them. */
  voided: number;
  /** Seconds spent waiting for the provider's pages (beyond what overlapped with writing). */
  waitSeconds: number;
  /** Seconds spent mapping and committing pages. */
  writeSeconds: number;
}

export interface SyncReport {
  connectionId: string;
  provider: string;
  streams: Record<string, StreamReport>;
  seconds: number;
}
