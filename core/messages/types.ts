/**
 * The plain input and output of `renderMessage`. Amounts are bigint minor units next to their ISO
 * 4217 currency; dates are ISO `YYYY-MM-DD`. Nothing here is formatted yet: the renderer formats
 * amounts and dates for the language the message is written in.
 */

import type { PostalAddress } from '../store/schema/columns.ts';

export type MessageChannel = 'email' | 'sms' | 'letter';

export interface MessageOrganization {
  /** Set: the organization's own copies of templates (template_overrides) are used where it has one. */
  readonly id?: string | null;
  readonly name: string;
  /** The language of last resort (ISO 639-1, optionally with a region: "fr", "en-GB"). */
  readonly language: string | null;
  /** ISO 3166 alpha-2; with the language it picks the formatting locale ("en" + "GB" → "en-GB"). */
  readonly country?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  /** Postal address lines, as printed at the top of a letter. */
  readonly address?: readonly string[] | null;
  /** The sender block of letters (organizations.sender_address); its city is the letter's place. */
  readonly postalAddress?: PostalAddress | null;
  /** The late-payment policy in force ("FR_B2B"): it chooses the legal mentions. */
  readonly latePaymentPolicy?: string | null;
}

export interface MessageCustomer {
  readonly name: string;
  readonly reference?: string | null;
  readonly language?: string | null;
  /** Set by an admin: wins over every other language of the chain. */
  readonly languageOverride?: string | null;
  /** ISO 3166 alpha-2: its language is tried after the customer's own. */
  readonly country?: string | null;
  /** Postal address lines, for letters (when `postalAddress` is absent). */
  readonly address?: readonly string[] | null;
  /** The structured postal address (customers.postal_address): the letter's recipient block. */
  readonly postalAddress?: PostalAddress | null;
}

export interface MessageContact {
  readonly name?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly language?: string | null;
}

/** The person answers go to: the collector, else the account owner. */
export interface MessagePerson {
  readonly name: string;
  readonly email?: string | null;
  readonly phone?: string | null;
}

export interface MessageItem {
  /** The invoice's external id: `paymentLinks` is keyed by it. */
  readonly externalId: string;
  readonly number: string;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly currency: string;
  readonly total: bigint;
  readonly balance: bigint;
  /** This invoice's late fees to the message's date (core/fees, as `simulate` computes them). */
  readonly fees?: { readonly interest: bigint; readonly fixed: bigint } | null;
}

/** A reminder this customer was already sent about (some of) these invoices. */
export interface MessageHistoryEntry {
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly channel: MessageChannel;
}

export interface MessageAmount {
  readonly currency: string;
  readonly amount: bigint;
}

export interface MessageFees {
  readonly currency: string;
  readonly interest: bigint;
  readonly fixed: bigint;
  /** The day they were computed to (YYYY-MM-DD); the message's date when absent. */
  readonly asOf?: string | null;
  /** The part of the fees posted to the ledger as a fee invoice (core/credit/fee-postings): owed now. */
  readonly posted?: bigint | null;
}

export interface RenderMessageInput {
  /** "reminder-1": the folder under templates/<channel>/. */
  readonly templateName: string;
  readonly channel: MessageChannel;
  /** Forces a language; when absent it comes from the contact, else the customer, else the organization. */
  readonly language?: string | null;
  readonly organization: MessageOrganization;
  readonly customer: MessageCustomer;
  readonly contact?: MessageContact | null;
  readonly collector?: MessagePerson | null;
  readonly items: readonly MessageItem[];
  /** Open balance per currency; computed from `items` when absent. */
  readonly totals?: readonly MessageAmount[] | null;
  /** Late-payment fees; absent, null or all zero shows none. */
  readonly fees?: MessageFees | null;
  readonly portalUrl?: string | null;
  /** The provider's online payment link per invoice external id (QuickBooks InvoiceLink, Xero OnlineInvoiceUrl). */
  readonly paymentLinks?: Readonly<Record<string, string>> | null;
  /** The message's date (the run's as-of date); today in UTC when absent. */
  readonly date?: string | null;
  /** What was already sent to this customer for these invoices, oldest first: templates never claim more. */
  readonly history?: readonly MessageHistoryEntry[] | null;
  /** The approver's text for the template's `{{#block name}}`s; absent blocks keep the template's text. */
  readonly blocks?: Readonly<Record<string, string>> | null;
  /** The stored action this message is for: the store fills in addresses, history, fees and edits from it. */
  readonly action?: { readonly id: string; readonly customerId: string } | null;
  /** The browser's Accept-Language, for the portal: tried after the customer's languages. */
  readonly acceptLanguage?: string | null;
}

interface RenderedBase {
  readonly templateName: string;
  /** The language the template was found in, after fallback. */
  readonly language: string;
  /** The locale amounts and dates were formatted in ("fr-FR"). */
  readonly locale: string;
  /** The template's editable text blocks as this message reads them (an approver's text where they rewrote one). */
  readonly blocks?: Readonly<Record<string, string>>;
  /** Set when the language wanted had no template and another was used (it is logged too). */
  readonly languageFallback?: { readonly wanted: string; readonly used: string } | null;
}

export interface RenderedEmail extends RenderedBase {
  readonly channel: 'email';
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export interface RenderedSms extends RenderedBase {
  readonly channel: 'sms';
  readonly text: string;
}

export interface RenderedLetter extends RenderedBase {
  readonly channel: 'letter';
  readonly subject: string;
  readonly text: string;
  /** The letter as a PDF document, to store with the action. */
  readonly pdf: Uint8Array;
  /** The addresses a print-and-post provider needs (null when the store has none). */
  readonly to?: { readonly name: string; readonly address: PostalAddress } | null;
  readonly from?: { readonly name: string; readonly address: PostalAddress } | null;
}

export type RenderedMessage = RenderedEmail | RenderedSms | RenderedLetter;
