import { describe, expect, it } from 'vitest';
import { parsePath, resolveAll, resolveFirst } from '../../core/mapping/path.ts';

const payment = {
  Id: '3310',
  BillEmail: { Address: 'ap@example.com' },
  Line: [
    { Amount: 120, LinkedTxn: [{ TxnId: '1880', TxnType: 'Invoice' }] },
    { Amount: 30, LinkedTxn: [{ TxnId: '901', TxnType: 'CreditMemo' }] },
    { Amount: 80, LinkedTxn: [{ TxnId: '1877', TxnType: 'Invoice' }] },
  ],
  CustomField: [
    { Name: 'Dunning stage', StringValue: '' },
    { Name: 'Language', StringValue: 'fr' },
  ],
};
const scope = { item: payment, root: payment, index: null };
const at = (p: string) => resolveAll(scope, parsePath(p));

describe('paths', () => {
  it('reads nested fields and array indexes', () => {
    expect(at('BillEmail.Address')).toEqual(['ap@example.com']);
    expect(at('Line[0].Amount')).toEqual([120]);
    expect(at('Line[2].LinkedTxn[0].TxnId')).toEqual(['1877']);
    expect(at('Line[9].Amount')).toEqual([]);
  });

  it('expands wildcards and filters elements by a key', () => {
    expect(at('Line[].Amount')).toEqual([120, 30, 80]);
    expect(at('Line[*].LinkedTxn[TxnType=Invoice].TxnId')).toEqual(['1880', '1877']);
    expect(resolveFirst(scope, parsePath('CustomField[Name=Language].StringValue'))).toBe('fr');
  });

  it('gives nothing for absent branches, and null as the first value when all are empty', () => {
    expect(at('Nope.Deeper')).toEqual([]);
    expect(at('BillEmail.Address.More')).toEqual([]);
    expect(resolveFirst(scope, parsePath('CustomField[Name=Dunning stage].StringValue'))).toBeNull();
  });

  it('reaches the whole record and the element position from an expanded element', () => {
    const person = { FirstName: 'Tom' };
    const inner = { item: person, root: { ContactID: 'C-1' }, index: 3 };
    expect(resolveAll(inner, parsePath('$root.ContactID'))).toEqual(['C-1']);
    expect(resolveAll(inner, parsePath('$index'))).toEqual([3]);
    expect(resolveAll(inner, parsePath('FirstName'))).toEqual(['Tom']);
  });

  it.each([
    ['', /empty/],
    ['Line[', /unclosed/],
    ['Line]', /unbalanced/],
    ['Line[x y]', /not an index/],
    ['a..b', /not a field name/],
    ['$index.foo', /no fields/],
  ])('refuses %j', (text, message) => {
    expect(() => parsePath(text)).toThrow(message);
  });
});
