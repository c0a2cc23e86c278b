import { describe, expect, it } from 'vitest';
import { FieldProblem, applyEnum, applyTransform, toBoolean, toDate, toInstant, toMoney, toText } from '../../core/mapping/transforms.ts';

describe('date', () => {
  it.each([
    ['2026-02-04', '2026-02-04'],
    ['2026-01-05T08:02:11-08:00', '2026-01-05'], // the date as written, not moved to UTC
    ['2026-02-14T00:00:00', '2026-02-14'],
    ['/Date(1771027200000+0000)/', '2026-02-14'],
    ['/Date(1771023600000+0100)/', '2026-02-14'], // 23:00 UTC on the 13th is the 14th in +01:00
    ['/Date(1767312000000)/', '2026-01-02'],
  ])('reads %j', (input, expected) => {
    expect(toDate(input)).toBe(expected);
  });

  it.each(['2026-02-30', '14/02/2026', 'soon', ''])('refuses %j', (input) => {
    expect(() => toDate(input)).toThrow(FieldProblem);
  });
});

describe('instant', () => {
  it.each([
    ['2026-01-12T09:14:02-08:00', '2026-01-12T17:14:02.000Z'],
    ['2026-02-09T12:30:00.000Z', '2026-02-09T12:30:00.000Z'],
    ['2026-02-09T12:30:00+0100', '2026-02-09T11:30:00.000Z'],
    ['/Date(1769952123000+0000)/', '2026-02-01T13:22:03.000Z'],
  ])('reads %j', (input, expected) => {
    expect(toInstant(input)).toBe(expected);
  });

  it('refuses a date-time without a zone unless told it is UTC', () => {
    expect(() => toInstant('2026-02-01T13:22:03.512')).toThrow(/no time zone/);
    expect(toInstant('2026-02-01T13:22:03.512', true)).toBe('2026-02-01T13:22:03.512Z');
    expect(applyTransform('2026-02-01T13:22:03', { type: 'instant', assumeUtc: true })).toBe('2026-02-01T13:22:03.000Z');
    expect(() => toInstant('yesterday')).toThrow(FieldProblem);
  });
});

describe('money', () => {
  it('turns provider JSON numbers into exact decimal strings in the currency', () => {
    expect(toMoney(4180.5, 'EUR')).toBe('4180.50');
    expect(toMoney(1320.0, 'USD')).toBe('1320.00');
    expect(toMoney(0.1, 'USD')).toBe('0.10');
    expect(toMoney(1234567890123.45, 'USD')).toBe('1234567890123.45');
    expect(toMoney(-12.5, 'GBP')).toBe('-12.50');
    expect(toMoney('99.9', 'EUR')).toBe('99.90');
    expect(toMoney(1500, 'JPY')).toBe('1500');
    expect(toMoney(1.5, 'KWD')).toBe('1.500');
  });

  it('refuses what is not an exact amount in the currency', () => {
    expect(() => toMoney('12,50', 'EUR')).toThrow(/not a decimal amount/);
    expect(() => toMoney(10.005, 'EUR')).toThrow(/more decimals than EUR allows/);
    expect(() => toMoney(1500.5, 'JPY')).toThrow(/more decimals/);
    expect(() => toMoney({ value: 1 }, 'EUR')).toThrow(/not an amount/);
  });
});

describe('boolean, string, enum', () => {
  it('reads booleans as providers send them', () => {
    expect(toBoolean(true)).toBe(true);
    expect(toBoolean('false')).toBe(false);
    expect(toBoolean('TRUE')).toBe(true);
    expect(toBoolean(0)).toBe(false);
    expect(() => toBoolean('maybe')).toThrow(/not a boolean/);
  });

  it('reads text from strings, numbers and booleans, not objects', () => {
    expect(toText('  Hollis  ')).toBe('Hollis');
    expect(toText(12)).toBe('12');
    expect(() => toText({ value: '12' })).toThrow(/an object is not text/);
    expect(() => toText(['a'])).toThrow(/a list is not text/);
  });

  it('maps enum values exactly, by prefix, or to a fallback', () => {
    const map = { Voided: 'void', Deleted: 'void' };
    expect(applyEnum('Deleted', { type: 'enum', map })).toBe('void');
    expect(() => applyEnum('Voided - late', { type: 'enum', map })).toThrow(/"Voided - late" is not one of Voided, Deleted/);
    expect(applyEnum('Voided - late', { type: 'enum', map, match: 'prefix' })).toBe('void');
    expect(applyEnum('Call first', { type: 'enum', map, match: 'prefix', fallback: 'issued' })).toBe('issued');
    expect(applyEnum(true, { type: 'enum', map: { true: 'billing' } })).toBe('billing');
  });
});
