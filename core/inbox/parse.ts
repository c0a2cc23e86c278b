/**
 * A raw message as Relance reads it, with mailparser: its threading headers, sender, recipients
 * (including Delivered-To, where the plus token survives a Bcc), text (from the HTML when there is
 * no text part), attachments capped in size, and the headers that say it was sent by a machine.
 */
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import { MAX_STORED_ATTACHMENT_BYTES, MAX_TEXT_CHARS, omittedBecauseTooLarge } from './profile.ts';

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Null when it was too large to keep (`omittedReason` says so). */
  content: Buffer | null;
  omittedReason: string | null;
}

export interface InboundMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: { address: string; name: string | null } | null;
  /** To, Cc, Delivered-To and X-Original-To, lower-cased. */
  recipients: string[];
  subject: string;
  date: Date | null;
  text: string;
  textTruncated: boolean;
  attachments: InboundAttachment[];
  /** Lower-cased header names to their first raw value, for the classifiers. */
  headers: Map<string, string>;
  /** The top-level MIME type and its report-type parameter (RFC 6522). */
  contentType: string;
  reportType: string | null;
  /** Parts of a delivery report (RFC 3464): the machine-readable status and the returned headers. */
  deliveryStatus: string | null;
  returnedHeaders: string | null;
}

function headerText(v: HeaderValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => headerText(x as HeaderValue)).join(', ');
  if (typeof v === 'object' && 'value' in v) {
    const o = v as { value: unknown; text?: string };
    return typeof o.text === 'string' ? o.text : String(o.value);
  }
  return String(v);
}

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((o) => o.value.flatMap((v) => [v.address, ...(v.group ?? []).map((g) => g.address)])).filter((x): x is string => Boolean(x)).map((x) => x.toLowerCase());
}

const ANGLE = /<[^<>\s]+>/g;
function ids(v: string | string[] | undefined): string[] {
  const all = (Array.isArray(v) ? v : v ? [v] : []).flatMap((x) => x.match(ANGLE) ?? (x.trim() ? [`<${x.trim().replace(/^<|>$/g, '')}>`] : []));
  return [...new Set(all)];
}

function plainFromHtml(html: string): string {
  return html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>/gi, '\n').replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"')
    .replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n\n').trim();
}

function toAttachment(a: ParsedMail['attachments'][number]): InboundAttachment {
  const size = a.size ?? a.content.length;
  const keep = size <= MAX_STORED_ATTACHMENT_BYTES;
  return { filename: a.filename ?? 'attachment', contentType: a.contentType || 'application/octet-stream', size, content: keep ? a.content : null, omittedReason: keep ? null : omittedBecauseTooLarge(size) };
}

/** The body of the first part of `raw` whose Content-Type matches, up to the next boundary. */
function rawPart(raw: Buffer | string, type: RegExp): string | null {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const m = new RegExp(`^Content-Type:[ \\t]*${type.source}[^\\n]*\\n(?:[ \\t][^\\n]*\\n|[A-Za-z-]+:[^\\n]*\\n)*\\r?\\n([\\s\\S]*?)(?:\\n--|(?![\\s\\S]))`, 'im').exec(text.replace(/\r\n/g, '\n'));
  return m ? m[1]! : null;
}

/** Parses a raw message; never throws on malformed MIME (mailparser reads what it can). */
export async function parseInbound(raw: Buffer | string): Promise<InboundMessage> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  const headers = new Map<string, string>();
  for (const [k, v] of mail.headers) headers.set(k.toLowerCase(), headerText(v));
  const ct = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const contentType = (ct?.value ?? 'text/plain').toLowerCase();
  const reportType = ct?.params?.['report-type']?.toLowerCase() ?? null;
  const reportParts = mail.attachments.filter((a) => /^(message\/(delivery-status|global-delivery-status|rfc822|global)|text\/rfc822-headers)$/i.test(a.contentType));
  // mailparser reads message/delivery-status as text, not as a part: take it from the raw report.
  const deliveryStatus = reportParts.find((a) => /delivery-status/i.test(a.contentType))?.content.toString('utf8')
    ?? (contentType === 'multipart/report' ? rawPart(raw, /message\/(?:global-)?delivery-status/i) : null);
  const returned = reportParts.find((a) => /rfc822|global$/i.test(a.contentType))?.content.toString('utf8') ?? null;
  // PostgreSQL text holds no NUL: a broken part may carry some.
  const fullText = (mail.text ?? (typeof mail.html === 'string' ? plainFromHtml(mail.html) : '')).replaceAll('\u0000', '').trim();
  const recipients = [...addresses(mail.to), ...addresses(mail.cc),
    ...['delivered-to', 'x-original-to', 'envelope-to'].flatMap((h) => (headers.get(h) ?? '').split(',')).map((x) => x.trim().replace(/^<|>$/g, '').toLowerCase()).filter((x) => x.includes('@'))];
  const from = mail.from?.value[0];
  return {
    messageId: ids(mail.messageId)[0] ?? null,
    inReplyTo: ids(mail.inReplyTo)[0] ?? null,
    references: ids(mail.references),
    from: from?.address ? { address: from.address.toLowerCase(), name: from.name || null } : null,
    recipients: [...new Set(recipients)],
    subject: (mail.subject ?? '').replaceAll('\u0000', ''),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    text: fullText.slice(0, MAX_TEXT_CHARS),
    textTruncated: fullText.length > MAX_TEXT_CHARS,
    attachments: mail.attachments.filter((a) => !reportParts.includes(a)).map(toAttachment),
    headers,
    contentType,
    reportType,
    deliveryStatus,
    returnedHeaders: returned,
  };
}
