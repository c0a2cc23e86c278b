/**
 * The mailbox as an outside party: its limits and timeouts as data, like a provider's profile.
 * IMAP4rev1: https://www.rfc-editor.org/rfc/rfc3501 (UID and UIDVALIDITY: §2.3.1.1).
 */

/** Messages over this size are not downloaded whole: their headers, structure and text parts are. */
export const MAX_FETCHED_MESSAGE_BYTES = 15 * 1024 * 1024;

/** An attachment over this size is listed (name, type, size) but its content is not stored. */
export const MAX_STORED_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** The text kept of a message body; the rest is cut and `body_truncated` says so. */
export const MAX_TEXT_CHARS = 100_000;

/** UIDs fetched per round trip; the store's last UID moves after each filed message. */
export const FETCH_BATCH = 50;

/** Connect, greeting and socket timeouts of the IMAP client (ms). */
export const IMAP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 10_000, socketTimeout: 120_000 } as const;

/** Why an attachment was not stored, in words a collector reads on the timeline. */
export function omittedBecauseTooLarge(size: number): string {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `not stored: ${mb(size)} is over the ${mb(MAX_STORED_ATTACHMENT_BYTES)} limit; ask the customer for it or open the mailbox`;
}
