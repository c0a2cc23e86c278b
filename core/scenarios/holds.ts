/** Holds: dunning stopped for one customer or one invoice, for a reason, until a date or a release. */
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { dunningHolds, invoices } from '../store/schema/index.ts';
import { isIsoDate } from '../calendar/index.ts';
import { InvalidInput } from '../errors.ts';

const holdShape = z.strictObject({
  customerId: z.uuid(),
  invoiceId: z.uuid().nullable().optional(),
  reason: z.string().trim().min(1, 'must say why'),
  until: z.string().refine(isIsoDate, 'must be a date written YYYY-MM-DD').nullable().optional(),
  createdBy: z.string().optional(),
});

export type HoldInput = z.input<typeof holdShape>;

/** Places a hold; an invoice hold must name an invoice of that customer. Returns the hold's id. */
export async function placeHold(db: Db, organizationId: string, input: HoldInput): Promise<string> {
  const parsed = holdShape.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`hold ${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const h = parsed.data;
  if (h.invoiceId) {
    const [inv] = await db
      .select({ id: invoices.id })
      .from(invoices)
      .where(and(eq(invoices.id, h.invoiceId), eq(invoices.customerId, h.customerId)));
    if (!inv) throw new InvalidInput('hold invoiceId: not an invoice of this customer', { field: 'invoiceId' });
  }
  const [row] = await db
    .insert(dunningHolds)
    .values({
      organizationId,
      customerId: h.customerId,
      invoiceId: h.invoiceId ?? null,
      reason: h.reason,
      until: h.until ?? null,
      createdBy: h.createdBy ?? null,
    })
    .returning({ id: dunningHolds.id });
  return row!.id;
}

/** Releases a hold now; releasing twice is harmless. */
export async function releaseHold(db: Db, holdId: string): Promise<void> {
  await db
    .update(dunningHolds)
    .set({ releasedAt: new Date() })
    .where(and(eq(dunningHolds.id, holdId), isNull(dunningHolds.releasedAt)));
}
