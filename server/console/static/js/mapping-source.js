/**
 * A field spec of a mapping (core/mapping/schema.ts) as one line an admin reads: where the value
 * comes from, then its transform and default. Pure, so it is unit-tested outside a browser.
 */
import { t } from './i18n.js';

function from(spec) {
  if (spec.path !== undefined) return spec.path;
  if (spec.firstOf) return t('mappings.firstOf', { paths: spec.firstOf.join(', ') });
  if (spec.join) return t('mappings.join', { paths: spec.join.join(' + ') });
  if (spec.constant !== undefined) return `= ${JSON.stringify(spec.constant)}`;
  if (spec.derive) return t('mappings.derived', { name: spec.derive });
  return '';
}

/** `firstOf DisplayName, CompanyName → string (default true)` in the console's language. */
export function describeSource(spec) {
  const parts = [from(spec)];
  if (spec.transform) parts.push(`→ ${typeof spec.transform === 'string' ? spec.transform : spec.transform.type}`);
  if (spec.default !== undefined) parts.push(t('mappings.default', { value: JSON.stringify(spec.default) }));
  if (spec.defaultFrom) parts.push(t('mappings.default', { value: spec.defaultFrom }));
  return parts.filter(Boolean).join(' ');
}
