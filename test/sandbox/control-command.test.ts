import { describe, expect, it } from 'vitest';
import { parseSandboxOptions } from '../../cli/commands/sandbox.ts';
import { InvalidInput } from '../../core/errors.ts';

const DEFAULTS = { seed: '1', invoices: '1000', port: '0', limits: true };

function fieldOf(raw: Parameters<typeof parseSandboxOptions>[0]): string {
  try {
    parseSandboxOptions(raw);
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInput);
    expect((e as Error).message.startsWith(`--${(e as InvalidInput).details.field}: `)).toBe(true);
    return String((e as InvalidInput).details.field);
  }
}

describe('relance sandbox options', () => {
  it('turns the defaults into sandbox options, as of today', () => {
    expect(parseSandboxOptions(DEFAULTS, new Date('2026-03-01T12:00:00Z'))).toEqual({
      seed: 1,
      invoices: 1000,
      port: 0,
      asOf: '2026-03-01',
      limits: {},
    });
  });

  it('reads every option, --no-limits turning limits off', () => {
    const o = parseSandboxOptions({ seed: '42', invoices: '100000', port: '4000', asOf: '2025-12-31', limits: false });
    expect(o).toEqual({ seed: 42, invoices: 100_000, port: 4000, asOf: '2025-12-31', limits: false });
  });

  it.each([
    [{ seed: 'abc' }, 'seed'],
    [{ seed: '1.5' }, 'seed'],
    [{ invoices: '9' }, 'invoices'],
    [{ invoices: '1000001' }, 'invoices'],
    [{ invoices: '1e3' }, 'invoices'],
    [{ port: '65533' }, 'port'],
    [{ port: '-1' }, 'port'],
    [{ asOf: '2026-02-30' }, 'as-of'],
    [{ asOf: 'today' }, 'as-of'],
  ])('refuses %j naming --%s', (bad, field) => {
    expect(fieldOf({ ...DEFAULTS, ...bad })).toBe(field);
  });
});
