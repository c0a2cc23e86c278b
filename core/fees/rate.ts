/**
 * Annual interest rates in percent, as exact rationals. "12.15" is 1215/100 percent: rates never
 * pass through a JS float, so that interest computed on a ledger is the same on every machine.
 */
import { InvalidInput } from '../errors.ts';

/** A percentage as `numerator / denominator` (denominator > 0). */
export interface PercentRate {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const PERCENT = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal percentage such as "2.15" or "-0.5" exactly. */
export function parsePercent(text: string, field = 'rate'): PercentRate {
  const m = PERCENT.exec(text.trim());
  if (!m) throw new InvalidInput(`${field}: "${text}" is not a decimal percentage`, { field });
  const frac = m[3] ?? '';
  const magnitude = BigInt(m[2]! + frac);
  return { numerator: m[1] ? -magnitude : magnitude, denominator: 10n ** BigInt(frac.length) };
}

export function percentPoints(points: number): PercentRate {
  return { numerator: BigInt(points), denominator: 1n };
}

export function addRates(a: PercentRate, b: PercentRate): PercentRate {
  return {
    numerator: a.numerator * b.denominator + b.numerator * a.denominator,
    denominator: a.denominator * b.denominator,
  };
}

export function isNegative(rate: PercentRate): boolean {
  return rate.numerator < 0n;
}
