/**
 * Who a step goes to. The customer record's own email/phone comes first (what the accounting system
 * calls the billing address), then its contacts (billing, main, others); addresses that hard-bounced
 * are skipped, and when no one can be reached on the step's channel, the next configured channel
 * that has a template for the step is tried (core/channels `chooseRecipient`).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { chooseRecipient, type MessageChannelKind, type RecipientChoice, type RecipientContact } from '../channels/index.ts';
import { ConfigError } from '../errors.ts';
import { languagesOf } from '../messages/index.ts';
import type { SendDeps } from './types.ts';
import { uuidList } from './claim.ts';

type Executor = Pick<Db, 'execute'>;

/** The id given to the customer record itself among its recipients. */
export const CUSTOMER_RECIPIENT_PREFIX = 'customer:';

/** The setting that configures each channel, named in the "not configured" error (letters need none in `relance start`). */
export const CHANNEL_SETTING: Record<MessageChannelKind, string | null> = {
  email: 'RELANCE_SMTP_URL',
  sms: 'RELANCE_SMS_ACCOUNT_SID',
  letter: null,
};

/** The customer and its contacts, in the order they are tried, with their hard-bounce flags. */
export async function loadRecipients(db: Executor, customerId: string): Promise<RecipientContact[]> {
  return (await loadRecipientsOf(db, [customerId])).get(customerId) ?? [];
}

/** `loadRecipients` for several customers in one query (a send batch). */
export async function loadRecipientsOf(db: Executor, customerIds: readonly string[]): Promise<Map<string, RecipientContact[]>> {
  const byCustomer = new Map<string, RecipientContact[]>();
  if (customerIds.length === 0) return byCustomer;
  const ids = uuidList([...new Set(customerIds)]);
  // An address is invalid only while it is still the one that bounced: a sync bringing a new
  // address makes the record reachable again.
  const { rows } = await db.execute<RecipientContact & { customer_id: string } & Record<string, unknown>>(sql`
    SELECT customer_id, id, name, email, phone, role, language, "emailInvalid", "phoneInvalid" FROM (
      SELECT c.id AS customer_id, ${CUSTOMER_RECIPIENT_PREFIX} || c.id::text AS id, NULL::text AS name, c.email, c.phone, 'billing' AS role,
             c.language, lower(c.email_invalid_address) IS NOT DISTINCT FROM lower(c.email) AND c.email_invalid_at IS NOT NULL AS "emailInvalid",
             c.phone_invalid_address IS NOT DISTINCT FROM c.phone AND c.phone_invalid_at IS NOT NULL AS "phoneInvalid",
             0 AS source, c.created_at
        FROM customers c WHERE c.id = ANY(${ids})
      UNION ALL
      SELECT k.customer_id, k.id::text, k.name, k.email, k.phone, k.role::text, k.language,
             lower(k.email_invalid_address) IS NOT DISTINCT FROM lower(k.email) AND k.email_invalid_at IS NOT NULL,
             k.phone_invalid_address IS NOT DISTINCT FROM k.phone AND k.phone_invalid_at IS NOT NULL,
             1, k.created_at
        FROM contacts k WHERE k.customer_id = ANY(${ids})) r
    ORDER BY customer_id, source, created_at, id`);
  for (const { customer_id, ...contact } of rows) {
    const list = byCustomer.get(customer_id) ?? [];
    list.push(contact);
    byCustomer.set(customer_id, list);
  }
  return byCustomer;
}

async function defaultHasTemplate(channel: MessageChannelKind, name: string): Promise<boolean> {
  return (await languagesOf(channel, name)).length > 0;
}

/**
 * The recipient of a message step: on its own channel, else on a fallback channel that is
 * configured and has the step's template. Throws ConfigError when the step's own channel is not
 * configured (never a silent drop); returns null when no one can be reached.
 */
export async function planRecipient(
  db: Executor,
  deps: Pick<SendDeps, 'channels' | 'hasTemplate'>,
  step: { customerId: string; channel: MessageChannelKind; template: string },
  /** The customer's recipients when already loaded (a send batch loads them all at once). */
  preloaded?: RecipientContact[],
): Promise<RecipientChoice | null> {
  if (!deps.channels[step.channel]) {
    const setting = CHANNEL_SETTING[step.channel];
    throw new ConfigError(`no ${step.channel} channel configured${setting ? ` (set ${setting})` : ''}`, { field: setting ?? 'channels' });
  }
  const hasTemplate = deps.hasTemplate ?? defaultHasTemplate;
  const fallbackChannels: MessageChannelKind[] = [];
  const order: readonly MessageChannelKind[] = step.channel === 'email' ? ['sms', 'letter'] : step.channel === 'sms' ? ['email', 'letter'] : [];
  for (const channel of order) {
    if (deps.channels[channel] && (await hasTemplate(channel, step.template))) fallbackChannels.push(channel);
  }
  const contacts = preloaded ?? (await loadRecipients(db, step.customerId));
  // Relance keeps no postal address yet: a letter is a PDF the organization prints and posts to
  // the address in its accounting system, so a letter can always be produced.
  return chooseRecipient({ channel: step.channel, contacts, hasPostalAddress: true, fallbackChannels });
}

/** Marks the bounced address of a recipient invalid (only if it is still its address). */
export async function markAddressInvalid(db: Executor, choice: RecipientChoice): Promise<boolean> {
  if (!choice.contact || !choice.address || (choice.channel !== 'email' && choice.channel !== 'sms')) return false;
  const id = choice.contact.id;
  const onCustomer = id.startsWith(CUSTOMER_RECIPIENT_PREFIX);
  const rowId = onCustomer ? id.slice(CUSTOMER_RECIPIENT_PREFIX.length) : id;
  const table = onCustomer ? sql`customers` : sql`contacts`;
  const set = choice.channel === 'email'
    ? sql`email_invalid_at = now(), email_invalid_address = email`
    : sql`phone_invalid_at = now(), phone_invalid_address = phone`;
  const column = choice.channel === 'email' ? sql`email` : sql`phone`;
  const updated = await db.execute(sql`
    UPDATE ${table} SET ${set}, updated_at = now() WHERE id = ${rowId}::uuid AND trim(${column}) = ${choice.address}`);
  return (updated.rowCount ?? 0) > 0;
}
