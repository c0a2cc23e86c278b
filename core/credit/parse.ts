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
