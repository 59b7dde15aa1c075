import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeElement, type VimObject } from '../../../../src/backend/vsphere/vim25/decode.js';
import { ManagedObjectReference } from '../../../../src/backend/vsphere/vim25/encode.js';
import { expectObject, type ObjectContent, type RetrieveResult, type ServiceContent, type TaskInfo, type UpdateSet } from '../../../../src/backend/vsphere/vim25/model.js';
import { parseXml, XSI_NS } from '../../../../src/backend/vsphere/vim25/xml.js';
import { fixtureReturnval, fixtureText } from './fixtures.js';

function propertiesOf(content: ObjectContent): Map<string, unknown> {
  return new Map(content.propSet.map((p) => [p.name, p.val]));
}

describe('decoding recorded vcsim responses', () => {
  it('reads the service content with its references and API version', () => {
    const content = expectObject<ServiceContent>(decodeElement(fixtureReturnval('service-content'), 'ServiceContent'), 'ServiceContent');
    expect(content.rootFolder).toEqual(new ManagedObjectReference('Folder', 'group-d1'));
    expect(content.propertyCollector.type).toBe('PropertyCollector');
    expect(content.about.apiType).toBe('VirtualCenter');
  });

  it('types top-level property values by their XMLSchema-instance:type attribute', () => {
    expect(fixtureText('retrieve-vm')).toContain('XMLSchema-instance:type="xsd:int"');
    const result = expectObject<RetrieveResult>(decodeElement(fixtureReturnval('retrieve-vm'), 'RetrieveResult'), 'RetrieveResult');
    const [vm] = result.objects;
    const properties = propertiesOf(vm!);
    expect(vm!.obj.type).toBe('VirtualMachine');
    expect(properties.get('name')).toBe('DC0_C0_RP0_VM0');
    expect(properties.get('runtime.powerState')).toBe('poweredOn');
    expect(properties.get('runtime.host')).toEqual(new ManagedObjectReference('HostSystem', 'host-23'));
    expect(properties.get('config.hardware.numCPU')).toBe(1);
    expect(properties.get('summary.config.memorySizeMB')).toBe(32);
  });

  it('keeps one-element arrays as arrays (datastore list, extraConfig)', () => {
    const result = expectObject<RetrieveResult>(decodeElement(fixtureReturnval('retrieve-vm'), 'RetrieveResult'), 'RetrieveResult');
    const properties = propertiesOf(result.objects[0]!);
    const datastores = properties.get('datastore') as ManagedObjectReference[];
    expect(datastores).toHaveLength(1);
    expect(datastores[0]!.type).toBe('Datastore');
    expect(properties.get('config.extraConfig')).toEqual([{ $type: 'OptionValue', key: 'govcsim', value: 'TRUE' }]);
  });

  it('reads a finished task with its typed result', () => {
    const result = expectObject<RetrieveResult>(decodeElement(fixtureReturnval('task-info-snapshot'), 'RetrieveResult'), 'RetrieveResult');
    const info = expectObject<TaskInfo>(result.objects[0]!.propSet[0]!.val, 'TaskInfo');
    expect(info.state).toBe('success');
    expect(info.result).toEqual(new ManagedObjectReference('VirtualMachineSnapshot', 'snapshot-32'));
    expect(info.entity?.value).toBe('vm-27');
  });

  it('reads a WaitForUpdatesEx change set', () => {
    const updates = expectObject<UpdateSet>(decodeElement(fixtureReturnval('wait-for-updates-power-off'), 'UpdateSet'), 'UpdateSet');
    const [objectUpdate] = updates.filterSet[0]!.objectSet;
    expect(objectUpdate!.kind).toBe('modify');
    expect(objectUpdate!.changeSet).toEqual([{ $type: 'PropertyChange', name: 'runtime.powerState', op: 'assign', val: 'poweredOff' }]);
  });
});

describe('decodeElement', () => {
  it('decodes declared array fields to arrays of any length, even without xsi:type', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9999 }), { maxLength: 5 }), (keys) => {
        const devices = keys.map((key) => `<device><key>${key}</key></device>`).join('');
        const hardware = decodeElement(parseXml(`<val>${devices}<numCPU>2</numCPU></val>`), 'VirtualHardware') as VimObject;
        expect((hardware['device'] as VimObject[]).map((d) => d['key'])).toEqual(keys);
        expect(hardware['numCPU']).toBe(2);
      }),
      { numRuns: 100 },
    );
  });

  it('lets a nested xsi:type pick the subtype and its fields', () => {
    const xml = `<val xmlns:xsi="${XSI_NS}"><device xsi:type="VirtualDisk"><key>1</key><capacityInKB>1024</capacityInKB><backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds] a.vmdk</fileName><thinProvisioned>true</thinProvisioned></backing></device></val>`;
    const hardware = decodeElement(parseXml(xml), 'VirtualHardware') as VimObject;
    const [disk] = hardware['device'] as VimObject[];
    expect(disk!.$type).toBe('VirtualDisk');
    expect(disk!['capacityInKB']).toBe(1024);
    expect(disk!['backing']).toMatchObject({ $type: 'VirtualDiskFlatVer2BackingInfo', fileName: '[ds] a.vmdk', thinProvisioned: true });
  });

  it('decodes types the schema does not know generically: repeated children become arrays', () => {
    const value = decodeElement(parseXml('<x><a>1</a><a>2</a><b>3</b></x>'), 'SomethingNew');
    expect(value).toEqual({ $type: 'SomethingNew', a: ['1', '2'], b: '3' });
  });
});
