import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SystemError } from '../../../../src/sim/errors.js';
import { attributeValue, escapeXml, parseXml, XSI_NS, xsiTypeOf } from '../../../../src/backend/vsphere/vim25/xml.js';

const xmlText = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(s));

describe('escapeXml', () => {
  it('escapes any text so that parsing gives back the same text and attribute value', () => {
    fc.assert(
      fc.property(xmlText, (value) => {
        const element = parseXml(`<a v="${escapeXml(value)}">${escapeXml(value)}</a>`);
        expect(element.text).toBe(value);
        expect(attributeValue(element, undefined, 'v')).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses control characters and lone surrogates that XML cannot carry', () => {
    expect(() => escapeXml('a\u0001b')).toThrow(InvalidArgumentError);
    expect(() => escapeXml('\uD800')).toThrow(InvalidArgumentError);
  });
});

describe('parseXml', () => {
  it('resolves the XMLSchema-instance:type prefix of vcsim and xsi:type to the same namespace', () => {
    const vcsim = parseXml(`<val xmlns:XMLSchema-instance="${XSI_NS}" XMLSchema-instance:type="xsd:int" xmlns:xsd="http://www.w3.org/2001/XMLSchema">1</val>`);
    const vcenter = parseXml(`<val xmlns:xsi="${XSI_NS}" xsi:type="xsd:int" xmlns:xsd="http://www.w3.org/2001/XMLSchema">1</val>`);
    expect(xsiTypeOf(vcsim)).toEqual(xsiTypeOf(vcenter));
    expect(xsiTypeOf(vcsim)?.localName).toBe('int');
  });

  it('does not mistake an attribute named type without namespace for xsi:type', () => {
    const element = parseXml('<obj type="VirtualMachine">vm-1</obj>');
    expect(xsiTypeOf(element)).toBeUndefined();
    expect(attributeValue(element, undefined, 'type')).toBe('VirtualMachine');
  });

  it('rejects an undeclared prefix and text that is not XML as a SystemError', () => {
    expect(() => parseXml('<a b:c="1"/>')).toThrow(SystemError);
    expect(() => parseXml('not xml at all')).toThrow(SystemError);
  });

  it('keeps significant whitespace in text such as the trailing space of "Keyboard "', () => {
    expect(parseXml('<label>Keyboard </label>').text).toBe('Keyboard ');
  });
});
