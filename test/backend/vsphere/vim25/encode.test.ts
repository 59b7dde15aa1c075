import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/sim/errors.js';
import { decodeElement } from '../../../../src/backend/vsphere/vim25/decode.js';
import { buildEnvelope, encodeElement, ManagedObjectReference, xsdString } from '../../../../src/backend/vsphere/vim25/encode.js';
import { childNamed, parseXml, SOAP_ENVELOPE_NS, XSI_NS } from '../../../../src/backend/vsphere/vim25/xml.js';

const idText = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 });

function methodElement(envelope: string) {
  const method = childNamed(parseXml(envelope), 'Body', SOAP_ENVELOPE_NS)?.children[0];
  if (method === undefined) throw new Error('no method element');
  return method;
}

describe('buildEnvelope', () => {
  it('writes _this first and then the arguments in the order given, in the urn:vim25 namespace', () => {
    const vm = new ManagedObjectReference('VirtualMachine', 'vm-1');
    const method = methodElement(buildEnvelope('CloneVM_Task', vm, [['folder', new ManagedObjectReference('Folder', 'f')], ['name', 'c1'], ['spec', { powerOn: false }]]));
    expect(method.namespace).toBe('urn:vim25');
    expect(method.children.map((c) => c.localName)).toEqual(['_this', 'folder', 'name', 'spec']);
  });

  it('leaves out undefined arguments and repeats array arguments', () => {
    const method = methodElement(buildEnvelope('CreateContainerView', new ManagedObjectReference('ViewManager', 'v'), [['type', ['A', 'B']], ['host', undefined], ['recursive', true]]));
    expect(method.children.map((c) => `${c.localName}=${c.text}`)).toEqual(['_this=v', 'type=A', 'type=B', 'recursive=true']);
  });

  it('carries any object id through escaping unchanged', () => {
    fc.assert(
      fc.property(idText, idText, (type, value) => {
        const ref = new ManagedObjectReference(type.replace(/\s/g, 'x'), value);
        const method = methodElement(buildEnvelope('Destroy_Task', ref, []));
        expect(decodeElement(method.children[0]!, 'ManagedObjectReference')).toEqual(ref);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a method name that is not an XML name', () => {
    expect(() => buildEnvelope('a<b', new ManagedObjectReference('T', 'v'), [])).toThrow(InvalidArgumentError);
  });
});

describe('encodeElement', () => {
  it('writes $type as xsi:type, as a TraversalSpec in a selectSet needs', () => {
    const element = parseXml(`<r xmlns:xsi="${XSI_NS}">${encodeElement('selectSet', { $type: 'TraversalSpec', name: 'v', path: 'view' })}</r>`).children[0]!;
    expect(element.attributes).toContainEqual({ namespace: XSI_NS, localName: 'type', value: 'TraversalSpec' });
    expect(element.children.map((c) => c.localName)).toEqual(['name', 'path']);
  });

  it('writes typed scalars with their xsi:type', () => {
    expect(encodeElement('value', xsdString('a&b'))).toBe('<value xsi:type="xsd:string">a&amp;b</value>');
  });

  it('refuses numbers that are not finite', () => {
    expect(() => encodeElement('memoryMB', Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => encodeElement('memoryMB', Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
  });
});
