import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/sim/errors.js';
import { deviceChange, paraVirtualScsiController, virtualDisk } from '../../../../src/backend/vsphere/vim25/devices.js';
import { encodeElement, ManagedObjectReference, type SoapData } from '../../../../src/backend/vsphere/vim25/encode.js';
import { cloneSpec, configSpec, linkedClone, relocateSpec, resourceConfigSpec } from '../../../../src/backend/vsphere/vim25/specs.js';
import { ordered, WSDL_ORDER } from '../../../../src/backend/vsphere/vim25/wsdl-order.js';
import { parseXml, XSI_NS, type XmlElement } from '../../../../src/backend/vsphere/vim25/xml.js';

const ref = (type: string, value: string) => new ManagedObjectReference(type, value);

function asElement(name: string, data: SoapData): XmlElement {
  return parseXml(`<r xmlns:xsi="${XSI_NS}">${encodeElement(name, data)}</r>`).children[0]!;
}

/** Element names in document order must follow the type's WSDL order (repeats allowed). */
function expectWsdlOrder(element: XmlElement, typeName: string): void {
  const order = WSDL_ORDER[typeName]!;
  const positions = element.children.map((child) => order.indexOf(child.localName));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

describe('ordered', () => {
  it('writes any subset of fields of any written type in WSDL order, whatever the input key order', () => {
    const typeNames = Object.keys(WSDL_ORDER);
    const input = fc.constantFrom(...typeNames).chain((typeName) =>
      fc.tuple(fc.constant(typeName), fc.shuffledSubarray([...WSDL_ORDER[typeName]!])),
    );
    fc.assert(
      fc.property(input, ([typeName, fields]) => {
        const data = ordered(typeName, Object.fromEntries(fields.map((f) => [f, 'x'])));
        expectWsdlOrder(asElement('spec', data), typeName);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a field the type does not have', () => {
    expect(() => ordered('VirtualMachineCloneSpec', { powerOn: true, colour: 'red' })).toThrow(InvalidArgumentError);
  });
});

describe('spec builders', () => {
  it('build a relocate spec in WSDL order: folder, datastore, diskMoveType, pool, host', () => {
    const spec = relocateSpec({ host: ref('HostSystem', 'h'), pool: ref('ResourcePool', 'p'), diskMoveType: 'createNewChildDiskBacking', datastore: ref('Datastore', 'd'), folder: ref('Folder', 'f') });
    expect(asElement('spec', spec).children.map((c) => c.localName)).toEqual(['folder', 'datastore', 'diskMoveType', 'pool', 'host']);
  });

  it('build a linked clone spec from a snapshot with new child disks, location first and snapshot after powerOn', () => {
    const spec = asElement('spec', cloneSpec(linkedClone({ snapshot: ref('VirtualMachineSnapshot', 's'), pool: ref('ResourcePool', 'p'), powerOn: true, config: { name: 'c' } })));
    expect(spec.children.map((c) => c.localName)).toEqual(['location', 'template', 'config', 'powerOn', 'snapshot']);
    expect(spec.children[0]!.children.map((c) => `${c.localName}=${c.text}`)).toEqual(['diskMoveType=createNewChildDiskBacking', 'pool=p']);
  });

  it('build a config spec with devices typed by xsi:type and extraConfig values typed xsd:string', () => {
    const disk = virtualDisk({ key: -2, controllerKey: -1, unitNumber: 0, capacityInKB: 1024, backing: { fileName: '', diskMode: 'persistent', thinProvisioned: true } });
    const spec = asElement(
      'spec',
      configSpec({
        memoryMB: 512,
        name: 'vm',
        extraConfig: [['guestinfo.id', 'abc']],
        deviceChange: [deviceChange({ operation: 'add', device: paraVirtualScsiController({ key: -1, busNumber: 0 }) }), deviceChange({ operation: 'add', fileOperation: 'create', device: disk })],
        numCPUs: 2,
      }),
    );
    expectWsdlOrder(spec, 'VirtualMachineConfigSpec');
    const devices = spec.children.filter((c) => c.localName === 'deviceChange').map((c) => c.children.find((d) => d.localName === 'device')!);
    expect(devices.map((d) => d.attributes.find((a) => a.localName === 'type')?.value)).toEqual(['ParaVirtualSCSIController', 'VirtualDisk']);
    expectWsdlOrder(devices[1]!, 'VirtualDisk');
    const value = spec.children.find((c) => c.localName === 'extraConfig')!.children[1]!;
    expect(value.attributes.find((a) => a.namespace === XSI_NS)?.value).toBe('xsd:string');
  });

  it('build a resource config spec with allocations and shares in WSDL order', () => {
    const spec = asElement('spec', resourceConfigSpec({ memoryAllocation: { limit: -1, reservation: 256, shares: { level: 'high' } }, cpuAllocation: { reservation: 100 } }));
    expect(spec.children.map((c) => c.localName)).toEqual(['cpuAllocation', 'memoryAllocation']);
    expect(spec.children[1]!.children.map((c) => c.localName)).toEqual(['reservation', 'limit', 'shares']);
  });

  it('build a clone spec whose nested config and location keep their own WSDL order', () => {
    const spec = asElement('spec', cloneSpec({ template: false, powerOn: false, location: { pool: ref('ResourcePool', 'p'), folder: ref('Folder', 'f') }, config: { numCPUs: 1, name: 'n' } }));
    expectWsdlOrder(spec, 'VirtualMachineCloneSpec');
    expectWsdlOrder(spec.children[0]!, 'VirtualMachineRelocateSpec');
    expectWsdlOrder(spec.children[2]!, 'VirtualMachineConfigSpec');
  });
});
