/**
 * The vim25 data types of the inventory properties a VCH reads: VMs (config, runtime, devices,
 * snapshots), hosts, clusters (summary, DRS config, rules), resource pools and datastores.
 * Generated from govmomi 0.24.2's WSDL-derived `vim25/types` (field order = WSDL order); enumerations
 * are written as `string`, `MoRef` is a ManagedObjectReference. Types not listed here decode
 * generically (see decode.ts). See schema.ts for the format.
 */
import type { TypeTable } from './schema.js';

/** Inventory types: name → `[Base |] field:type …` in WSDL order. */
export const INVENTORY_TYPES: TypeTable = {
  VirtualMachineRuntimeInfo: `
    device:VirtualMachineDeviceRuntimeInfo[] host:MoRef connectionState:string powerState:string
    faultToleranceState:string dasVmProtection:VirtualMachineRuntimeInfoDasProtectionState
    toolsInstallerMounted:boolean suspendTime:dateTime bootTime:dateTime suspendInterval:long
    question:VirtualMachineQuestionInfo memoryOverhead:long maxCpuUsage:int maxMemoryUsage:int
    numMksConnections:int recordReplayState:string cleanPowerOff:boolean needSecondaryReason:string
    onlineStandby:boolean minRequiredEVCModeKey:string consolidationNeeded:boolean
    offlineFeatureRequirement:VirtualMachineFeatureRequirement[]
    featureRequirement:VirtualMachineFeatureRequirement[] featureMask:HostFeatureMask[]
    vFlashCacheAllocation:long paused:boolean snapshotInBackground:boolean quiescedForkParent:boolean
    instantCloneFrozen:boolean cryptoState:string`,
  VirtualMachineConfigInfo: `
    changeVersion:string modified:dateTime name:string guestFullName:string version:string uuid:string
    createDate:dateTime instanceUuid:string npivNodeWorldWideName:long[] npivPortWorldWideName:long[]
    npivWorldWideNameType:string npivDesiredNodeWwns:short npivDesiredPortWwns:short
    npivTemporaryDisabled:boolean npivOnNonRdmDisks:boolean locationId:string template:boolean guestId:string
    alternateGuestName:string annotation:string files:VirtualMachineFileInfo tools:ToolsConfigInfo
    flags:VirtualMachineFlagInfo consolePreferences:VirtualMachineConsolePreferences
    defaultPowerOps:VirtualMachineDefaultPowerOpInfo hardware:VirtualHardware
    vcpuConfig:VirtualMachineVcpuConfig[] cpuAllocation:ResourceAllocationInfo
    memoryAllocation:ResourceAllocationInfo latencySensitivity:LatencySensitivity memoryHotAddEnabled:boolean
    cpuHotAddEnabled:boolean cpuHotRemoveEnabled:boolean hotPlugMemoryLimit:long hotPlugMemoryIncrementSize:long
    cpuAffinity:VirtualMachineAffinityInfo memoryAffinity:VirtualMachineAffinityInfo
    networkShaper:VirtualMachineNetworkShaperInfo extraConfig:OptionValue[] cpuFeatureMask:HostCpuIdInfo[]
    datastoreUrl:VirtualMachineConfigInfoDatastoreUrlPair[] swapPlacement:string
    bootOptions:VirtualMachineBootOptions ftInfo:FaultToleranceConfigInfo repConfig:ReplicationConfigSpec
    vAppConfig:VmConfigInfo vAssertsEnabled:boolean changeTrackingEnabled:boolean firmware:string
    maxMksConnections:int guestAutoLockEnabled:boolean managedBy:ManagedByInfo
    memoryReservationLockedToMax:boolean initialOverhead:VirtualMachineConfigInfoOverheadInfo
    nestedHVEnabled:boolean vPMCEnabled:boolean scheduledHardwareUpgradeInfo:ScheduledHardwareUpgradeInfo
    forkConfigInfo:VirtualMachineForkConfigInfo vFlashCacheReservation:long vmxConfigChecksum:base64Binary
    messageBusTunnelEnabled:boolean vmStorageObjectId:string swapStorageObjectId:string keyId:CryptoKeyId
    guestIntegrityInfo:VirtualMachineGuestIntegrityInfo migrateEncryption:string sgxInfo:VirtualMachineSgxInfo
    contentLibItemInfo:VirtualMachineContentLibraryItemInfo
    guestMonitoringModeInfo:VirtualMachineGuestMonitoringModeInfo sevEnabled:boolean`,
  VirtualHardware: `
    numCPU:int numCoresPerSocket:int memoryMB:int virtualICH7MPresent:boolean virtualSMCPresent:boolean
    device:VirtualDevice[]`,
  VirtualDevice: `
    key:int deviceInfo:Description backing:VirtualDeviceBackingInfo connectable:VirtualDeviceConnectInfo
    slotInfo:VirtualDeviceBusSlotInfo controllerKey:int unitNumber:int`,
  VirtualDisk: `VirtualDevice |
    capacityInKB:long capacityInBytes:long shares:SharesInfo storageIOAllocation:StorageIOAllocationInfo
    diskObjectId:string vFlashCacheConfigInfo:VirtualDiskVFlashCacheConfigInfo iofilter:string[] vDiskId:ID
    nativeUnmanagedLinkedClone:boolean`,
  VirtualController: `VirtualDevice | busNumber:int device:int[]`,
  VirtualSCSIController: `VirtualController | hotAddRemove:boolean sharedBus:string scsiCtlrUnitNumber:int`,
  ParaVirtualSCSIController: `VirtualSCSIController |`,
  VirtualEthernetCard: `VirtualDevice |
    addressType:string macAddress:string wakeOnLanEnabled:boolean
    resourceAllocation:VirtualEthernetCardResourceAllocation externalId:string uptCompatibilityEnabled:boolean`,
  VirtualVmxnet: `VirtualEthernetCard |`,
  VirtualVmxnet3: `VirtualVmxnet |`,
  VirtualE1000: `VirtualEthernetCard |`,
  VirtualCdrom: `VirtualDevice |`,
  Description: `label:string summary:string`,
  VirtualDeviceConnectInfo: `
    migrateConnect:string startConnected:boolean allowGuestControl:boolean connected:boolean status:string`,
  VirtualDeviceBackingInfo: ``,
  VirtualDeviceFileBackingInfo: `VirtualDeviceBackingInfo |
    fileName:string datastore:MoRef backingObjectId:string`,
  VirtualDiskFlatVer2BackingInfo: `VirtualDeviceFileBackingInfo |
    diskMode:string split:boolean writeThrough:boolean thinProvisioned:boolean eagerlyScrub:boolean uuid:string
    contentId:string changeId:string parent:VirtualDiskFlatVer2BackingInfo deltaDiskFormat:string
    digestEnabled:boolean deltaGrainSize:int deltaDiskFormatVariant:string sharing:string keyId:CryptoKeyId`,
  VirtualDeviceDeviceBackingInfo: `VirtualDeviceBackingInfo | deviceName:string useAutoDetect:boolean`,
  VirtualEthernetCardNetworkBackingInfo: `VirtualDeviceDeviceBackingInfo |
    network:MoRef inPassthroughMode:boolean`,
  VirtualEthernetCardDistributedVirtualPortBackingInfo: `VirtualDeviceBackingInfo |
    port:DistributedVirtualSwitchPortConnection`,
  DistributedVirtualSwitchPortConnection: `
    switchUuid:string portgroupKey:string portKey:string connectionCookie:int`,
  VirtualCdromIsoBackingInfo: `VirtualDeviceFileBackingInfo |`,
  OptionValue: `key:string value:anyType`,
  VirtualMachineFileInfo: `
    vmPathName:string snapshotDirectory:string suspendDirectory:string logDirectory:string
    ftMetadataDirectory:string`,
  VirtualMachineSnapshotInfo: `currentSnapshot:MoRef rootSnapshotList:VirtualMachineSnapshotTree[]`,
  VirtualMachineSnapshotTree: `
    snapshot:MoRef vm:MoRef name:string description:string id:int createTime:dateTime state:string
    quiesced:boolean backupManifest:string childSnapshotList:VirtualMachineSnapshotTree[]
    replaySupported:boolean`,
  ResourceConfigSpec: `
    entity:MoRef changeVersion:string lastModified:dateTime cpuAllocation:ResourceAllocationInfo
    memoryAllocation:ResourceAllocationInfo scaleDescendantsShares:string`,
  ResourceAllocationInfo: `
    reservation:long expandableReservation:boolean limit:long shares:SharesInfo overheadLimit:long`,
  SharesInfo: `shares:int level:string`,
  ResourcePoolRuntimeInfo: `
    memory:ResourcePoolResourceUsage cpu:ResourcePoolResourceUsage overallStatus:string sharesScalable:string`,
  ResourcePoolResourceUsage: `
    reservationUsed:long reservationUsedForVm:long unreservedForPool:long unreservedForVm:long overallUsage:long
    maxUsage:long`,
  HostRuntimeInfo: `
    connectionState:string powerState:string standbyMode:string inMaintenanceMode:boolean
    inQuarantineMode:boolean bootTime:dateTime healthSystemRuntime:HealthSystemRuntime
    dasHostState:ClusterDasFdmHostState tpmPcrValues:HostTpmDigestInfo[] vsanRuntimeInfo:VsanHostRuntimeInfo
    networkRuntimeInfo:HostRuntimeInfoNetworkRuntimeInfo
    vFlashResourceRuntimeInfo:HostVFlashManagerVFlashResourceRunTimeInfo hostMaxVirtualDiskCapacity:long
    cryptoState:string cryptoKeyId:CryptoKeyId`,
  HostHardwareSummary: `
    vendor:string model:string uuid:string otherIdentifyingInfo:HostSystemIdentificationInfo[] memorySize:long
    cpuModel:string cpuMhz:int numCpuPkgs:short numCpuCores:short numCpuThreads:short numNics:int numHBAs:int`,
  HostListSummary: `
    host:MoRef hardware:HostHardwareSummary runtime:HostRuntimeInfo config:HostConfigSummary
    quickStats:HostListSummaryQuickStats overallStatus:string rebootRequired:boolean
    customValue:CustomFieldValue[] managementServerIp:string maxEVCModeKey:string currentEVCModeKey:string
    currentEVCGraphicsModeKey:string gateway:HostListSummaryGatewaySummary tpmAttestation:HostTpmAttestationInfo
    trustAuthorityAttestationInfos:HostTrustAuthorityAttestationInfo[]`,
  HostListSummaryQuickStats: `
    overallCpuUsage:int overallMemoryUsage:int distributedCpuFairness:int distributedMemoryFairness:int
    availablePMemCapacity:int uptime:int`,
  HostConfigSummary: `
    name:string port:int sslThumbprint:string product:AboutInfo vmotionEnabled:boolean
    faultToleranceEnabled:boolean featureVersion:HostFeatureVersionInfo[] agentVmDatastore:MoRef
    agentVmNetwork:MoRef`,
  DatastoreSummary: `
    datastore:MoRef name:string url:string capacity:long freeSpace:long uncommitted:long accessible:boolean
    multipleHostAccess:boolean type:string maintenanceMode:string`,
  ComputeResourceSummary: `
    totalCpu:int totalMemory:long numCpuCores:short numCpuThreads:short effectiveCpu:int effectiveMemory:long
    numHosts:int numEffectiveHosts:int overallStatus:string`,
  ClusterComputeResourceSummary: `ComputeResourceSummary |
    currentFailoverLevel:int admissionControlInfo:ClusterDasAdmissionControlInfo numVmotions:int
    targetBalance:int currentBalance:int drsScore:int numVmsPerDrsScoreBucket:int[]
    usageSummary:ClusterUsageSummary currentEVCModeKey:string currentEVCGraphicsModeKey:string
    dasData:ClusterDasData clusterMaintenanceModeStatus:string vcsHealthStatus:string
    vcsSlots:ClusterComputeResourceVcsSlots[]`,
  GuestInfo: `
    toolsStatus:string toolsVersionStatus:string toolsVersionStatus2:string toolsRunningStatus:string
    toolsVersion:string toolsInstallType:string guestId:string guestFamily:string guestFullName:string
    hostName:string ipAddress:string net:GuestNicInfo[] ipStack:GuestStackInfo[] disk:GuestDiskInfo[]
    screen:GuestScreenInfo guestState:string appHeartbeatStatus:string guestKernelCrashed:boolean
    appState:string guestOperationsReady:boolean interactiveGuestOperationsReady:boolean
    guestStateChangeSupported:boolean generationInfo:GuestInfoNamespaceGenerationInfo[] hwVersion:string`,
  VirtualMachineSummary: `
    vm:MoRef runtime:VirtualMachineRuntimeInfo guest:VirtualMachineGuestSummary
    config:VirtualMachineConfigSummary storage:VirtualMachineStorageSummary quickStats:VirtualMachineQuickStats
    overallStatus:string customValue:CustomFieldValue[]`,
  VirtualMachineConfigSummary: `
    name:string template:boolean vmPathName:string memorySizeMB:int cpuReservation:int memoryReservation:int
    numCpu:int numEthernetCards:int numVirtualDisks:int uuid:string instanceUuid:string guestId:string
    guestFullName:string annotation:string product:VAppProductInfo installBootRequired:boolean
    ftInfo:FaultToleranceConfigInfo managedBy:ManagedByInfo tpmPresent:boolean numVmiopBackings:int
    hwVersion:string`,
  VirtualMachineQuickStats: `
    overallCpuUsage:int overallCpuDemand:int overallCpuReadiness:int guestMemoryUsage:int hostMemoryUsage:int
    guestHeartbeatStatus:string distributedCpuEntitlement:int distributedMemoryEntitlement:int
    staticCpuEntitlement:int staticMemoryEntitlement:int grantedMemory:int privateMemory:int sharedMemory:int
    swappedMemory:int balloonedMemory:int consumedOverheadMemory:int ftLogBandwidth:int ftSecondaryLatency:int
    ftLatencyStatus:string compressedMemory:long uptimeSeconds:int ssdSwappedMemory:long`,
  ClusterConfigInfoEx: `ComputeResourceConfigInfo |
    dasConfig:ClusterDasConfigInfo dasVmConfig:ClusterDasVmConfigInfo[] drsConfig:ClusterDrsConfigInfo
    drsVmConfig:ClusterDrsVmConfigInfo[] rule:ClusterRuleInfo[] orchestration:ClusterOrchestrationInfo
    vmOrchestration:ClusterVmOrchestrationInfo[] dpmConfigInfo:ClusterDpmConfigInfo
    dpmHostConfig:ClusterDpmHostConfigInfo[] vsanConfigInfo:VsanClusterConfigInfo
    vsanHostConfig:VsanHostConfigInfo[] group:ClusterGroupInfo[]
    infraUpdateHaConfig:ClusterInfraUpdateHaConfigInfo proactiveDrsConfig:ClusterProactiveDrsConfigInfo
    cryptoConfig:ClusterCryptoConfigInfo`,
  ComputeResourceConfigInfo: `vmSwapPlacement:string spbmEnabled:boolean defaultHardwareVersionKey:string`,
  ClusterDrsConfigInfo: `
    enabled:boolean enableVmBehaviorOverrides:boolean defaultVmBehavior:string vmotionRate:int
    scaleDescendantsShares:string option:OptionValue[]`,
  ClusterRuleInfo: `
    key:int status:string enabled:boolean name:string mandatory:boolean userCreated:boolean inCompliance:boolean
    ruleUuid:string`,
  ClusterAffinityRuleSpec: `ClusterRuleInfo | vm:MoRef[]`,
  ClusterAntiAffinityRuleSpec: `ClusterRuleInfo | vm:MoRef[]`,
};
