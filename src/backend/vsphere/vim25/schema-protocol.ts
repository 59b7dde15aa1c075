/**
 * The vim25 data types of the protocol itself (service content, property collector results, tasks)
 * and of the faults the client maps. Generated from govmomi 0.24.2's WSDL-derived `vim25/types`
 * (struct field order = WSDL order) and kept as text: `Base | field:type field:type[] …`.
 * Enumerations are written as `string`; `MoRef` is a ManagedObjectReference. See schema.ts.
 */
import type { TypeTable } from './schema.js';

/** Protocol and fault types: name → `[Base |] field:type …` in WSDL order. */
export const PROTOCOL_TYPES: TypeTable = {
  ServiceContent: `
    rootFolder:MoRef propertyCollector:MoRef viewManager:MoRef about:AboutInfo setting:MoRef userDirectory:MoRef
    sessionManager:MoRef authorizationManager:MoRef serviceManager:MoRef perfManager:MoRef
    scheduledTaskManager:MoRef alarmManager:MoRef eventManager:MoRef taskManager:MoRef extensionManager:MoRef
    customizationSpecManager:MoRef guestCustomizationManager:MoRef customFieldsManager:MoRef
    accountManager:MoRef diagnosticManager:MoRef licenseManager:MoRef searchIndex:MoRef fileManager:MoRef
    datastoreNamespaceManager:MoRef virtualDiskManager:MoRef virtualizationManager:MoRef snmpSystem:MoRef
    vmProvisioningChecker:MoRef vmCompatibilityChecker:MoRef ovfManager:MoRef ipPoolManager:MoRef
    dvSwitchManager:MoRef hostProfileManager:MoRef clusterProfileManager:MoRef complianceManager:MoRef
    localizationManager:MoRef storageResourceManager:MoRef guestOperationsManager:MoRef
    overheadMemoryManager:MoRef certificateManager:MoRef ioFilterManager:MoRef vStorageObjectManager:MoRef
    hostSpecManager:MoRef cryptoManager:MoRef healthUpdateManager:MoRef failoverClusterConfigurator:MoRef
    failoverClusterManager:MoRef tenantManager:MoRef siteInfoManager:MoRef storageQueryManager:MoRef`,
  AboutInfo: `
    name:string fullName:string vendor:string version:string build:string localeVersion:string
    localeBuild:string osType:string productLineId:string apiType:string apiVersion:string instanceUuid:string
    licenseProductName:string licenseProductVersion:string`,
  UserSession: `
    key:string userName:string fullName:string loginTime:dateTime lastActiveTime:dateTime locale:string
    messageLocale:string extensionSession:boolean ipAddress:string userAgent:string callCount:long`,
  ObjectContent: `obj:MoRef propSet:DynamicProperty[] missingSet:MissingProperty[]`,
  DynamicProperty: `name:string val:anyType`,
  MissingProperty: `path:string fault:LocalizedMethodFault`,
  RetrieveResult: `token:string objects:ObjectContent[]`,
  UpdateSet: `version:string filterSet:PropertyFilterUpdate[] truncated:boolean`,
  PropertyFilterUpdate: `filter:MoRef objectSet:ObjectUpdate[] missingSet:MissingObject[]`,
  ObjectUpdate: `kind:string obj:MoRef changeSet:PropertyChange[] missingSet:MissingProperty[]`,
  PropertyChange: `name:string op:string val:anyType`,
  MissingObject: `obj:MoRef fault:LocalizedMethodFault`,
  TaskInfo: `
    key:string task:MoRef description:LocalizableMessage name:string descriptionId:string entity:MoRef
    entityName:string locked:MoRef[] state:string cancelled:boolean cancelable:boolean
    error:LocalizedMethodFault result:anyType progress:int reason:TaskReason queueTime:dateTime
    startTime:dateTime completeTime:dateTime eventChainId:int changeTag:string parentTaskKey:string
    rootTaskKey:string activationId:string`,
  LocalizedMethodFault: `fault:MethodFault localizedMessage:string`,
  LocalizableMessage: `key:string arg:KeyAnyValue[] message:string`,
  KeyAnyValue: `key:string value:anyType`,
  MethodFault: `faultCause:LocalizedMethodFault faultMessage:LocalizableMessage[]`,
  RuntimeFault: `MethodFault |`,
  VimFault: `MethodFault |`,
  InvalidState: `VimFault |`,
  InvalidPowerState: `InvalidState | requestedState:string existingState:string`,
  InvalidVmState: `InvalidState | vm:MoRef`,
  InvalidHostState: `InvalidState | host:MoRef`,
  DuplicateName: `VimFault | name:string object:MoRef`,
  InvalidArgument: `RuntimeFault | invalidProperty:string`,
  ManagedObjectNotFound: `RuntimeFault | obj:MoRef`,
  InvalidLogin: `VimFault |`,
  NotAuthenticated: `NoPermission |`,
  NoPermission: `SecurityError | object:MoRef privilegeId:string`,
  SecurityError: `RuntimeFault |`,
  NotSupported: `RuntimeFault |`,
  MethodNotFound: `InvalidRequest | receiver:MoRef method:string`,
  InvalidRequest: `RuntimeFault |`,
  InsufficientResourcesFault: `VimFault |`,
  InsufficientCpuResourcesFault: `InsufficientResourcesFault | unreserved:long requested:long`,
  InsufficientMemoryResourcesFault: `InsufficientResourcesFault | unreserved:long requested:long`,
  InsufficientStorageSpace: `InsufficientResourcesFault |`,
  InsufficientHostCapacityFault: `InsufficientResourcesFault | host:MoRef`,
  InsufficientHostCpuCapacityFault: `InsufficientHostCapacityFault | unreserved:long requested:long`,
  InsufficientHostMemoryCapacityFault: `InsufficientHostCapacityFault | unreserved:long requested:long`,
  FileFault: `VimFault | file:string`,
  FileAlreadyExists: `FileFault |`,
  FileNotFound: `FileFault |`,
  SystemError: `RuntimeFault | reason:string`,
  NotFound: `VimFault |`,
  ResourceInUse: `VimFault | type:string name:string`,
  SnapshotFault: `VimFault |`,
  TaskInProgress: `VimFault | task:MoRef`,
};
