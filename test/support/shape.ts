/**
 * The shape of a JSON value — field names, nesting and types, not values — so that a simulator's
 * answer can be compared with a provider's documented payload field by field.
 */
export type Shape = string | Shape[] | { [key: string]: Shape };

export function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (typeof value === 'object') {
    const out: Record<string, Shape> = {};
    for (const key of Object.keys(value as object).sort()) out[key] = shapeOf((value as Record<string, unknown>)[key]);
    return out;
  }
  return typeof value;
}

/**
 * Lists where `actual` differs in shape from `expected`, looking only at the fields `expected` has
 * (a documented sample shows a subset of what a provider may send). Empty when they agree.
 */
export function shapeDifferences(expected: unknown, actual: unknown, path = '$'): string[] {
  if (expected === null || actual === null) return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${shapeName(actual)}`];
    if (!expected.length || !actual.length) return [];
    return shapeDifferences(expected[0], actual[0], `${path}[0]`);
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${shapeName(actual)}`];
    const diffs: string[] = [];
    for (const [key, sub] of Object.entries(expected as Record<string, unknown>)) {
      if (!(key in (actual as object))) diffs.push(`${path}.${key}: missing`);
      else diffs.push(...shapeDifferences(sub, (actual as Record<string, unknown>)[key], `${path}.${key}`));
    }
    return diffs;
  }
  return typeof expected === typeof actual ? [] : [`${path}: expected ${typeof expected}, got ${shapeName(actual)}`];
}

function shapeName(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}
