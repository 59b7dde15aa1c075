/** Loads the recorded vcsim response envelopes under test/backend/vsphere/fixtures. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childNamed, parseXml, SOAP_ENVELOPE_NS, type XmlElement } from '../../../../src/backend/vsphere/vim25/xml.js';

const directory = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The raw text of one fixture (name without .xml). */
export function fixtureText(name: string): string {
  return readFileSync(join(directory, `${name}.xml`), 'utf8');
}

/** The element inside soapenv:Body of one fixture. */
export function fixtureBody(name: string): XmlElement {
  const body = childNamed(parseXml(fixtureText(name)), 'Body', SOAP_ENVELOPE_NS)?.children[0];
  if (body === undefined) throw new Error(`fixture ${name} has no SOAP body`);
  return body;
}

/** The first `returnval` of a fixture's response. */
export function fixtureReturnval(name: string): XmlElement {
  const returnval = childNamed(fixtureBody(name), 'returnval');
  if (returnval === undefined) throw new Error(`fixture ${name} has no returnval`);
  return returnval;
}
