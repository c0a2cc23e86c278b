/**
 * Money as integer minor units (bigint) of an ISO 4217 currency. Amounts cross every boundary
 * (JSON, CLI, API) as decimal strings ("1250.00"); they never pass through a JS float.
 */
import { InvalidInput } from './errors.ts';

/** ISO 4217 minor-unit exponents that differ from 2; every other known code has 2. */
export const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** ISO 4217 codes in use (active list); an unknown code is refused rather than guessed. */
const KNOWN = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHF CLF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP ' +
    'GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD ' +
    'KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK ' +
    'NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD ' +
    'SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYI UYU UYW UZS VED VES VND VUV ' +
    'WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

export function isCurrency(code: string): boolean {
  return KNOWN.has(code);
}

/** The number of decimals of a currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD). */
export function exponentOf(currency: string): number {
  if (!KNOWN.has(currency)) throw new InvalidInput(`unknown currency "${currency}"`, { field: 'currency' });
  return EXPONENTS[currency] ?? 2;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string (or a JSON number as a provider sends it) into minor units, exactly.
 * More decimals than the currency has are refused unless they are zeros: no silent rounding.
 */
export function toMinor(value: string | number, currency: string, field = 'amount'): bigint {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new InvalidInput(`${field}: "${String(value)}" is not a decimal amount`, { field });
  const exp = exponentOf(currency);
  const frac = m[3] ?? '';
  if (frac.length > exp && /[^0]/.test(frac.slice(exp))) {
    throw new InvalidInput(`${field}: "${text}" has more decimals than ${currency} allows (${exp})`, { field });
  }
  const digits = m[2]! + frac.slice(0, exp).padEnd(exp, '0');
  const minor = BigInt(digits);
  return m[1] ? -minor : minor;
}

/** Formats minor units as a decimal string with the currency's exponent: 125000n EUR → "1250.00". */
export function formatMinor(minor: bigint, currency: string): string {
  const exp = exponentOf(currency);
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString().padStart(exp + 1, '0');
  const whole = exp === 0 ? abs : abs.slice(0, -exp);
  const frac = exp === 0 ? '' : '.' + abs.slice(-exp);
  return (negative ? '-' : '') + whole + frac;
}

/**
 * A JSON number from a provider (QuickBooks sends 1250.5) as its shortest exact decimal text.
 * JS prints the shortest string that round-trips, which is the decimal the provider wrote.
 */
function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new InvalidInput(`"${n}" is not a finite amount`, { field: 'amount' });
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** Divides with rounding half away from zero ("half-up" as accountants mean it). */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (d * 2n);
  return negative ? -q : q;
}
