/**
 * The plain-text part of an email, derived from the compiled HTML so that the two parts never
 * say different things. MJML's output is nested tables; what matters is the reading order, line
 * breaks at blocks, table cells side by side and links written out.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/** Converts (MJML-generated) HTML to readable plain text; placeholders in it pass through. */
export function htmlToText(html: string): string {
  let text = html
    // MSO conditional comments duplicate the layout for Outlook; comments never carry content.
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<head[\s\S]*?<\/head>/gi, '')
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, '')
    // The preview text (mj-preview) is a hidden div: it is for the inbox list, not the reader.
    .replace(/<div[^>]*display:\s*none[^>]*>[^<]*<\/div>/gi, '')
    // Indentation between tags is layout, not text; placeholders count as tags here.
    .replace(/(>|\}\})[ \t\r]*\n\s*(?=<|\{\{)/g, '$1')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) => linkText(href, label))
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(td|th)>/gi, '\t')
    .replace(/<\/tr>/gi, '\n')
    .replace(/<\/?(p|div|table|tbody|thead|h[1-6]|li|ul|ol|section)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '');
  text = decodeEntities(text);
  const lines = text.split('\n').map((line) =>
    line
      .split('\t')
      .map((cell) => cell.replace(/[ \f\r\v]+/g, ' ').trim())
      .filter((cell) => cell !== '')
      .join('  '),
  );
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

function linkText(href: string, label: string): string {
  const shown = label.replace(/<[^>]+>/g, '').trim();
  if (!shown || shown === href) return href;
  return `${shown}: ${href}`;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}
