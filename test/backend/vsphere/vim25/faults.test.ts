import { describe, expect, it } from 'vitest';
import {
  DuplicateNameError,
  InsufficientResourcesError,
  InvalidPowerStateError,
  InvalidStateError,
  NotFoundError,
  NotSupportedError,
} from '../../../../src/sim/errors.js';
import { decodeElement, type VimObject } from '../../../../src/backend/vsphere/vim25/decode.js';
import { ManagedObjectReference } from '../../../../src/backend/vsphere/vim25/encode.js';
import { VimFaultError, VimLoginError } from '../../../../src/backend/vsphere/vim25/errors.js';
import { faultToError, isSoapFault, localizedFault, parseSoapFault } from '../../../../src/backend/vsphere/vim25/faults.js';
import { expectObject, type RetrieveResult, type TaskInfo } from '../../../../src/backend/vsphere/vim25/model.js';
import { fixtureBody, fixtureReturnval } from './fixtures.js';

const vm = new ManagedObjectReference('VirtualMachine', 'vm-27');
const context = { method: 'PowerOnVM_Task', self: vm, userName: 'user' };

function recordedFault(name: string) {
  const body = fixtureBody(name);
  expect(isSoapFault(body)).toBe(true);
  return parseSoapFault(body);
}

describe('SOAP faults recorded from vcsim map to typed errors', () => {
  it('maps InvalidLogin to VimLoginError with code InvalidLogin', () => {
    const error = faultToError(recordedFault('fault-invalid-login'), context);
    expect(error).toBeInstanceOf(VimLoginError);
    expect(error.code).toBe('InvalidLogin');
  });

  it('maps ManagedObjectNotFound to NotFoundError naming the missing object', () => {
    const error = faultToError(recordedFault('fault-not-found'), context);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ kind: 'VirtualMachine', ref: 'vm-404' });
  });

  it('maps MethodNotFound (InstantClone_Task on vcsim) to NotSupportedError', () => {
    const fault = recordedFault('fault-method-not-found');
    expect(fault.fault['method']).toBe('InstantClone_Task');
    expect(faultToError(fault, { ...context, method: 'InstantClone_Task' })).toBeInstanceOf(NotSupportedError);
  });

  it('maps DuplicateName to DuplicateNameError with the existing object kind and name', () => {
    const error = faultToError(recordedFault('fault-duplicate-name'), { method: 'CreateResourcePool', self: new ManagedObjectReference('ResourcePool', 'resgroup-1') });
    expect(error).toBeInstanceOf(DuplicateNameError);
    expect(error).toMatchObject({ kind: 'ResourcePool', objectName: 'twice' });
  });

  it('reads NotAuthenticated with its fault type so the client can log in again', () => {
    expect(recordedFault('fault-not-authenticated').fault.$type).toBe('NotAuthenticated');
  });
});

describe('task errors map like SOAP faults', () => {
  it('maps a task InvalidPowerState to InvalidPowerStateError carrying both states', () => {
    const result = expectObject<RetrieveResult>(decodeElement(fixtureReturnval('task-info-invalid-power-state'), 'RetrieveResult'), 'RetrieveResult');
    const info = expectObject<TaskInfo>(result.objects[0]!.propSet[0]!.val, 'TaskInfo');
    const error = faultToError(localizedFault(info.error!), { method: 'PowerOnVM_Task', self: info.entity! });
    expect(error).toBeInstanceOf(InvalidPowerStateError);
    expect(error).toMatchObject({ vm: 'vm-27', existing: 'poweredOn', requested: 'poweredOn' });
  });
});

describe('fault ancestry', () => {
  const fault = (object: VimObject) => ({ fault: object, message: 'm' });

  it('maps memory and CPU subtypes of InsufficientResourcesFault with their amounts', () => {
    const memory = faultToError(fault({ $type: 'InsufficientMemoryResourcesFault', unreserved: 10, requested: 20 }), context);
    expect(memory).toBeInstanceOf(InsufficientResourcesError);
    expect(memory).toMatchObject({ resource: 'memory', requested: 20, available: 10 });
    expect(faultToError(fault({ $type: 'InsufficientCpuResourcesFault', unreserved: 1, requested: 2 }), context)).toMatchObject({ resource: 'cpu', unit: 'MHz' });
  });

  it('maps the bare InsufficientResourcesFault with unknown amounts as NaN', () => {
    const error = faultToError(fault({ $type: 'InsufficientResourcesFault' }), context) as InsufficientResourcesError;
    expect(error).toBeInstanceOf(InsufficientResourcesError);
    expect(Number.isNaN(error.requested)).toBe(true);
  });

  it('maps subtypes the schema does not list through their known bases', () => {
    expect(faultToError(fault({ $type: 'InvalidDatastoreState' }), context)).toBeInstanceOf(InvalidStateError);
    expect(faultToError(fault({ $type: 'TooManySnapshotLevels' }), context)).toMatchObject({ code: 'SnapshotFault' });
    expect(faultToError(fault({ $type: 'InvalidHostState' }), context)).toMatchObject({ code: 'InvalidHostState' });
  });

  it('keeps the vim fault name of faults without a project error', () => {
    const error = faultToError(fault({ $type: 'TaskInProgress' }), context);
    expect(error).toBeInstanceOf(VimFaultError);
    expect(error).toMatchObject({ faultType: 'TaskInProgress', code: 'VimFault' });
  });
});
