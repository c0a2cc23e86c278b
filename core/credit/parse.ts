/** Input checked at the edge of core/credit: the first zod issue becomes an InvalidInput naming its field. */
import type { z } from 'zod';
import { InvalidInput } from '../errors.ts';

export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || (issue.code === 'invalid_union' ? 'kind' : '');
  throw new InvalidInput(`${what} ${field || 'body'}: ${issue.message}`, { field: field || undefined });
}

/** A percentage written "85" or "12.5" (at most two decimals) in basis points: "85.5" → 8550n. */
export function basisPoints(percentText: string): bigint {
  const [whole, frac = ''] = percentText.split('.');
  return BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0').slice(0, 2));
}
