/**
 * Sums of decimal strings ("1250.00") in BigInt minor units: amounts from the API are never turned
 * into JS floats for arithmetic. (Charts turn totals into pixel heights: geometry, not money.)
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** `{ units, scale }`: "12.50" → { units: 1250n, scale: 2 }. Throws on anything else. */
export function parseDecimal(text) {
  const m = DECIMAL.exec(String(text));
  if (!m) throw new Error(`not a decimal: ${text}`);
  const fraction = m[3] ?? '';
  const units = BigInt(m[2] + fraction) * (m[1] ? -1n : 1n);
  return { units, scale: fraction.length };
}

function rescale(value, scale) {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** The sum of decimal strings, at the largest scale among them ("0" for none). */
export function sumDecimals(values) {
  const parsed = values.map(parseDecimal);
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  const total = parsed.reduce((acc, p) => acc + rescale(p, scale), 0n);
  return formatUnits(total, scale);
}

/** Units at a scale back to a decimal string: (125n, 2) → "1.25". */
export function formatUnits(units, scale) {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const text = scale ? `${whole}.${digits.slice(-scale)}` : whole;
  return negative ? `-${text}` : text;
}

/** -1, 0 or 1 as `a` is less than, equal to or more than `b` (exact). */
export function compareDecimals(a, b) {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** The decimal as a JS number, for drawing only. */
export function toNumberForChart(text) {
  return Number(text);
}
