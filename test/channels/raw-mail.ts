/** Just enough MIME parsing to check what the SMTP server received: headers and the text/html parts. */

export interface ParsedMail {
  readonly headers: ReadonlyMap<string, string>;
  readonly parts: ReadonlyMap<string, string>;
}

export function parseRawMail(raw: string): ParsedMail {
  const [head, body] = splitHeadBody(raw);
  const headers = parseHeaders(head);
  const parts = new Map<string, string>();
  collectParts(headers, body, parts);
  return { headers, parts };
}

function splitHeadBody(raw: string): [string, string] {
  const at = raw.indexOf('\r\n\r\n');
  return at === -1 ? [raw, ''] : [raw.slice(0, at), raw.slice(at + 4)];
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  // Folded header lines continue with whitespace (RFC 5322 §2.2.3).
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function collectParts(headers: Map<string, string>, body: string, out: Map<string, string>): void {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (type.startsWith('multipart/') && boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const [h, b] = splitHeadBody(chunk.replace(/^\r\n/, ''));
      collectParts(parseHeaders(h), b, out);
    }
    return;
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  out.set(type.split(';')[0]!.trim(), decode(body, encoding));
}

function decode(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => `%${h}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
  }
  return body;
}
