/**
 * Stable counting sort of indices by a small integer key (a day, a customer index). The generator
 * orders hundreds of thousands of records by day; a comparator sort spends most of its time calling
 * back into JS, while days span a few hundred values, so counting is O(n) and several times faster.
 */

/**
 * Returns `order` (default 0..n-1) reordered by `key(i)` ascending; equal keys keep their order in
 * `order`, so two passes (minor key, then major key) sort by both.
 */
export function stableOrderBy(n: number, key: (i: number) => number, min: number, max: number, order?: Int32Array): Int32Array {
  const input = order ?? Int32Array.from({ length: n }, (_, i) => i);
  const counts = new Int32Array(max - min + 2);
  for (let k = 0; k < input.length; k++) counts[key(input[k]!) - min + 1]!++;
  for (let b = 1; b < counts.length; b++) counts[b]! += counts[b - 1]!;
  const out = new Int32Array(input.length);
  for (let k = 0; k < input.length; k++) {
    const i = input[k]!;
    out[counts[key(i) - min]!++] = i;
  }
  return out;
}
