/**
 * The customer's own portal link in each reminder (issue #8): the customer's live link is reused
 * while it stays valid for at least 30 more days, so that every reminder of a cycle points to the
 * same page; otherwise a new one is issued. Only an absolute link goes in a message: without a
 * public URL (RELANCE_PUBLIC_URL) a reminder carries none.
 */
import { issuePortalLink, liveLinkOf } from '../portal/index.ts';
import type { Executor } from '../store/index.ts';
import type { PortalLinkSource } from './types.ts';

/** A link sent today must still open when the customer reads a reminder weeks later. */
const MIN_REMAINING_MS = 30 * 86_400_000;

/** The portal URL for a reminder to `customerId`, issuing a link if none will last long enough. */
export async function reminderPortalUrl(
  tx: Executor,
  source: PortalLinkSource | undefined,
  target: { organizationId: string; customerId: string },
  now: Date,
): Promise<string | null> {
  if (!source?.publicUrl) return null;
  const input = { ...target, publicUrl: source.publicUrl };
  const live = await liveLinkOf(tx, source.keys, { ...input, validUntil: new Date(now.getTime() + MIN_REMAINING_MS) });
  if (live) return live.url;
  const issued = await issuePortalLink(tx, source.keys, { ...input, createdBy: 'job:dunning.send', now });
  return issued.url;
}
