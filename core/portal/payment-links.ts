/**
 * The provider's online payment link of each open invoice, asked of the connection lazily when the
 * customer opens the portal and kept on the invoice (`payment_url`, `payment_url_checked_at`), so
 * the next view and the next sync do not ask again for a day. Bounded: a few invoices a view, a few
 * calls at once, a short wait; a provider that fails or is slow costs the page its links, never the page.
 */
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import PQueue from 'p-queue';
import type { Logger } from '../logging.ts';
import { invoices } from '../store/schema/index.ts';
import type { Executor } from '../store/index.ts';
import type { OpenedLink } from './links.ts';

/** Asks an invoice's connection for its payment link; null when the provider has none. */
export type PaymentLinkSource = (connectionId: string, invoiceExternalId: string) => Promise<string | null>;

export interface PaymentLinkRefresh {
  source: PaymentLinkSource;
  logger: Logger;
  /** Invoices asked about in one view; the rest wait for the next. */
  maxPerView?: number;
  concurrency?: number;
  /** How long the page waits; answers that come later are still kept for the next view. */
  waitMs?: number;
  /** A link (or its absence) older than this is asked again. */
  staleAfterMs?: number;
  now?: Date;
}

export const PAYMENT_LINK_DEFAULTS = { maxPerView: 20, concurrency: 4, waitMs: 3_000, staleAfterMs: 86_400_000 } as const;

/** Asks for the links of the customer's open invoices not checked within a day, and stores the answers. */
export async function refreshPaymentLinks(db: Executor, link: OpenedLink, options: PaymentLinkRefresh): Promise<void> {
  const o = { ...PAYMENT_LINK_DEFAULTS, ...options };
  const now = o.now ?? new Date();
  const due = await db
    .select({ id: invoices.id, connectionId: invoices.connectionId, externalId: invoices.externalId })
    .from(invoices)
    .where(and(
      eq(invoices.customerId, link.customerId), eq(invoices.organizationId, link.organizationId), eq(invoices.status, 'open'),
      or(isNull(invoices.paymentUrlCheckedAt), lt(invoices.paymentUrlCheckedAt, new Date(now.getTime() - o.staleAfterMs))),
    ))
    .orderBy(asc(invoices.dueDate), asc(invoices.number))
    .limit(o.maxPerView);
  if (due.length === 0) return;
  const queue = new PQueue({ concurrency: o.concurrency });
  const asked = Promise.all(due.map((invoice) => queue.add(() => askAndKeep(db, invoice, options.source, options.logger))));
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, o.waitMs)));
  await Promise.race([asked, waited]);
  clearTimeout(timer);
  // Past the wait, invoices not yet asked wait for the next view; calls under way finish and are kept.
  queue.clear();
}

async function askAndKeep(db: Executor, invoice: { id: string; connectionId: string; externalId: string }, source: PaymentLinkSource, logger: Logger): Promise<void> {
  try {
    const url = await source(invoice.connectionId, invoice.externalId);
    await db.update(invoices).set({ paymentUrl: url, paymentUrlCheckedAt: new Date() }).where(and(eq(invoices.id, invoice.id), eq(invoices.status, 'open')));
  } catch (e) {
    // Not kept: the next view asks again. The error's code and message name no secret (core/errors).
    const error = e as { code?: unknown; message?: unknown };
    logger.warn('portal: payment link not fetched', { connectionId: invoice.connectionId, invoiceExternalId: invoice.externalId, code: error?.code ?? null, error: String(error?.message ?? e) });
  }
}
