/**
 * Paging of RetrievePropertiesEx. vcsim 0.24 never pages (it ignores maxObjects and returns no token),
 * so this path is exercised against a loopback server replaying vim25 envelopes shaped like vCenter's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VimClient } from '../../../../src/backend/vsphere/vim25/client.js';
import { retrieveContainer } from '../../../../src/backend/vsphere/vim25/property-collector.js';
import { childNamed, parseXml, SOAP_ENVELOPE_NS } from '../../../../src/backend/vsphere/vim25/xml.js';
import { fixtureText } from './fixtures.js';

const envelope = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const vmObject = (id: string) => `<objects><obj type="VirtualMachine">${id}</obj><propSet><name>name</name><val xsi:type="xsd:string" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${id}</val></propSet></objects>`;

const calls: Array<{ method: string; token?: string }> = [];
let server: Server;
let url: URL;

function answer(method: string, request: string): string {
  const methodElement = childNamed(parseXml(request), 'Body', SOAP_ENVELOPE_NS)!.children[0]!;
  const token = childNamed(methodElement, 'token')?.text;
  calls.push({ method, ...(token === undefined ? {} : { token }) });
  switch (method) {
    case 'RetrieveServiceContent':
      return fixtureText('service-content');
    case 'CreateContainerView':
      return envelope('<CreateContainerViewResponse xmlns="urn:vim25"><returnval type="ContainerView">view-1</returnval></CreateContainerViewResponse>');
    case 'RetrievePropertiesEx':
      return envelope(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>page-2</token>${vmObject('vm-1')}${vmObject('vm-2')}</returnval></RetrievePropertiesExResponse>`);
    case 'ContinueRetrievePropertiesEx':
      return envelope(`<ContinueRetrievePropertiesExResponse xmlns="urn:vim25"><returnval>${vmObject('vm-3')}</returnval></ContinueRetrievePropertiesExResponse>`);
    default:
      return envelope(`<${method}Response xmlns="urn:vim25"></${method}Response>`);
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const method = childNamed(parseXml(body), 'Body', SOAP_ENVELOPE_NS)!.children[0]!.localName;
      response.writeHead(200, { 'Content-Type': 'text/xml' }).end(answer(method, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('retrieveContainer paging', () => {
  it('follows the continuation token to the last page and destroys the view', async () => {
    const client = await VimClient.connect({ url });
    const vms = await retrieveContainer(client, { type: 'VirtualMachine', paths: ['name'], pageSize: 2 });
    client.close();
    expect(vms.map((vm) => vm.properties.get('name'))).toEqual(['vm-1', 'vm-2', 'vm-3']);
    expect(calls.map((c) => c.method)).toEqual(['RetrieveServiceContent', 'CreateContainerView', 'RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'DestroyView']);
    expect(calls[3]!.token).toBe('page-2');
  });
});
