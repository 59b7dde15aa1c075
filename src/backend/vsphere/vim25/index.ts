/**
 * The vim25 SOAP client of the live vCenter backend: connection and session (client.ts), property
 * reads and change streams (property-collector.ts, property-watch.ts), typed method calls
 * (methods.ts), spec and device builders in WSDL order (specs.ts, devices.ts), and the errors.
 */
export { VimClient, type VimClientOptions, type InvokeOptions } from './client.js';
export { ManagedObjectReference, xsdString, type SoapData, type SoapValue, type SoapArgument } from './encode.js';
export { isVimObject, type VimObject, type VimValue } from './decode.js';
export * from './errors.js';
export { faultToError, type VimFault, type FaultContext } from './faults.js';
export * from './methods.js';
export type * from './model.js';
export {
  retrieveContainer,
  retrieveProperties,
  readObject,
  type ContainerQuery,
  type PropertyRecord,
} from './property-collector.js';
export { PropertyWatch, waitForTask, type TaskWaitOptions } from './property-watch.js';
export * from './specs.js';
export * from './devices.js';
export { type TlsOptions, type TransportOptions, type SoapExchange } from './transport.js';
