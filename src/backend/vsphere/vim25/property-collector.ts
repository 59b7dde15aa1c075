/**
 * Reading properties through the PropertyCollector: whole inventories through a container view with
 * a TraversalSpec over `view` (paged with ContinueRetrievePropertiesEx when the server returns a
 * token), and properties of given objects. Change streams live in property-watch.ts.
 */
import { SystemError } from '../../../sim/errors.js';
import type { VimValue } from './decode.js';
import type { VimClient } from './client.js';
import { ManagedObjectReference, type SoapData } from './encode.js';
import { expectObject, type LocalizedMethodFault, type ObjectContent, type RetrieveResult } from './model.js';

/** The properties read for one object, by property path. */
export interface PropertyRecord {
  readonly obj: ManagedObjectReference;
  readonly properties: ReadonlyMap<string, VimValue>;
  /** Paths the server could not read, with its reason. Unset properties are simply absent. */
  readonly missing: ReadonlyMap<string, LocalizedMethodFault>;
}

/** What to list from a container view. */
export interface ContainerQuery {
  /** Folder, datacenter, cluster or pool to search; default the root folder. */
  readonly container?: ManagedObjectReference;
  /** Managed object type, e.g. `VirtualMachine`. */
  readonly type: string;
  /** Property paths to read, e.g. `runtime.powerState`. */
  readonly paths: readonly string[];
  /** Search below the container's children too (default true). */
  readonly recursive?: boolean;
  /** Objects per page asked of the server (vcsim ignores it and sends everything). Default 1,000 (estimate). */
  readonly pageSize?: number;
}

/** A PropertyFilterSpec over one view's `view` property, in WSDL order (xsi:type on the TraversalSpec). */
export function viewFilterSpec(view: ManagedObjectReference, type: string, paths: readonly string[]): SoapData {
  return {
    propSet: [{ type, pathSet: [...paths] }],
    objectSet: [
      {
        obj: view,
        skip: true,
        selectSet: [{ $type: 'TraversalSpec', name: 'traverseView', type: view.type, path: 'view', skip: false }],
      },
    ],
  };
}

/** A PropertyFilterSpec over explicit objects (grouped by type), in WSDL order. */
export function objectsFilterSpec(objects: readonly ManagedObjectReference[], paths: readonly string[]): SoapData {
  const types = [...new Set(objects.map((o) => o.type))];
  return {
    propSet: types.map((type) => ({ type, pathSet: [...paths] })),
    objectSet: objects.map((obj) => ({ obj, skip: false })),
  };
}

function toRecord(content: ObjectContent): PropertyRecord {
  const properties = new Map<string, VimValue>();
  for (const property of content.propSet) properties.set(property.name, property.val);
  const missing = new Map<string, LocalizedMethodFault>();
  for (const entry of content.missingSet) missing.set(entry.path, entry.fault);
  return { obj: content.obj, properties, missing };
}

/**
 * Runs RetrievePropertiesEx and follows continuation tokens until the last page. If a later page
 * fails, the server-side result set is cancelled (best effort). O(objects × paths).
 */
export async function retrieveAll(client: VimClient, spec: SoapData, pageSize = 1000): Promise<PropertyRecord[]> {
  const collector = client.serviceContent.propertyCollector;
  const first = await client.invoke('RetrievePropertiesEx', collector, [['specSet', spec], ['options', { maxObjects: pageSize }]], { returns: 'RetrieveResult' });
  const records: PropertyRecord[] = [];
  let page = first === undefined ? undefined : expectObject<RetrieveResult>(first, 'RetrieveResult');
  while (page !== undefined) {
    for (const content of page.objects) records.push(toRecord(content));
    const token = page.token;
    if (token === undefined) break;
    try {
      const next = await client.invoke('ContinueRetrievePropertiesEx', collector, [['token', token]], { returns: 'RetrieveResult' });
      page = next === undefined ? undefined : expectObject<RetrieveResult>(next, 'RetrieveResult');
    } catch (error) {
      await client.invoke('CancelRetrievePropertiesEx', collector, [['token', token]]).catch(() => undefined);
      throw error;
    }
  }
  return records;
}

/** Creates a container view of `type` objects; the caller destroys it with destroyView. */
export async function createContainerView(
  client: VimClient,
  container: ManagedObjectReference,
  types: readonly string[],
  recursive: boolean,
): Promise<ManagedObjectReference> {
  const view = await client.invoke(
    'CreateContainerView',
    client.serviceContent.viewManager,
    [['container', container], ['type', [...types]], ['recursive', recursive]],
    { returns: 'ManagedObjectReference' },
  );
  if (!(view instanceof ManagedObjectReference)) throw new SystemError('CreateContainerView returned no view');
  return view;
}

/** Destroys a view (ContainerView, ListView…). */
export async function destroyView(client: VimClient, view: ManagedObjectReference): Promise<void> {
  await client.invoke('DestroyView', view, []);
}

/**
 * Lists every object of one type below a container with the given properties: CreateContainerView,
 * RetrievePropertiesEx (paged), DestroyView (also when the listing fails). O(objects × paths).
 */
export async function retrieveContainer(client: VimClient, query: ContainerQuery): Promise<PropertyRecord[]> {
  const container = query.container ?? client.serviceContent.rootFolder;
  const view = await createContainerView(client, container, [query.type], query.recursive ?? true);
  try {
    return await retrieveAll(client, viewFilterSpec(view, query.type, query.paths), query.pageSize);
  } finally {
    await destroyView(client, view);
  }
}

/** Reads properties of the given objects (any mix of types). Unknown objects → NotFoundError. */
export async function retrieveProperties(
  client: VimClient,
  objects: readonly ManagedObjectReference[],
  paths: readonly string[],
): Promise<PropertyRecord[]> {
  if (objects.length === 0) return [];
  return retrieveAll(client, objectsFilterSpec(objects, paths));
}

/** Reads one object's properties; the map is empty for properties that are unset. */
export async function readObject(
  client: VimClient,
  obj: ManagedObjectReference,
  paths: readonly string[],
): Promise<ReadonlyMap<string, VimValue>> {
  const [record] = await retrieveProperties(client, [obj], paths);
  return record?.properties ?? new Map();
}
