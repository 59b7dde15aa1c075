/**
 * XML for vim25 SOAP: escaping of every value written, and a namespace-aware element tree parsed with
 * fast-xml-parser. Prefixes are resolved to namespace URIs here, so callers never compare prefixes:
 * vcsim writes the XSD type attribute as `XMLSchema-instance:type`, real vCenter as `xsi:type`; both
 * resolve to the XML Schema instance namespace.
 */
import { XMLParser } from 'fast-xml-parser';
import { InvalidArgumentError, SystemError } from '../../../sim/errors.js';

/** Namespace URI of SOAP 1.1 envelopes. */
export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Namespace URI of the XML Schema instance attributes (`xsi:type`). */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** Namespace URI of the XML Schema built-in types (`xsd:string`, `xsd:int`, …). */
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
/** Namespace URI of the vSphere Web Services API. */
export const VIM25_NS = 'urn:vim25';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** A name resolved against the namespace declarations in scope. */
export interface QualifiedName {
  /** Namespace URI, or undefined when the name has no namespace. */
  readonly namespace: string | undefined;
  readonly localName: string;
}

/** One attribute of a parsed element, its name resolved (unprefixed attributes have no namespace). */
export interface XmlAttribute extends QualifiedName {
  readonly value: string;
}

/** One parsed element: resolved name, attributes, child elements and its own text. */
export interface XmlElement extends QualifiedName {
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside this element (entities decoded, not trimmed). */
  readonly text: string;
  /** Prefix → namespace URI bindings in scope at this element ('' is the default namespace). */
  readonly scope: NamespaceScope;
}

// XML 1.0 Char production, minus what must be escaped; lone surrogates are rejected by the `u` flag test.
const INVALID_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Escapes a value for XML text or a double-quoted attribute. Whitespace controls become character
 * references so that they survive attribute and line-end normalisation. O(length).
 * Precondition: the value contains only characters XML 1.0 allows; otherwise InvalidArgumentError.
 */
export function escapeXml(value: string): string {
  if (INVALID_XML_CHAR.test(value)) {
    throw new InvalidArgumentError('value', `value ${JSON.stringify(value)} holds a character XML cannot carry`);
  }
  return value.replace(/[&<>"'\t\n\r]/g, (c) => ESCAPES[c] ?? c);
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string>; '#text'?: unknown };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * Parses one XML document and returns its root element with every name resolved. O(document size).
 * Precondition: well-formed XML with declared prefixes; otherwise SystemError (a malformed response).
 */
export function parseXml(document: string): XmlElement {
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(document) as OrderedNode[];
  } catch (error) {
    throw new SystemError(`malformed XML from the server: ${(error as Error).message}`);
  }
  const roots = nodes.map((node) => toElement(node, EMPTY_SCOPE)).filter((e): e is XmlElement => e !== undefined);
  const root = roots[0];
  if (root === undefined || roots.length !== 1) {
    throw new SystemError(`expected one XML root element, found ${roots.length}`);
  }
  return root;
}

function tagNameOf(node: OrderedNode): string | undefined {
  for (const key in node) if (key !== ':@' && key !== '#text') return key;
  return undefined;
}

/** Prefix bindings declared on one element, chained to the enclosing element's (no copying). */
export class NamespaceScope {
  constructor(
    private readonly parent: NamespaceScope | undefined,
    private readonly bindings: ReadonlyMap<string, string>,
  ) {}

  /** The URI bound to a prefix ('' = default namespace), or undefined. O(nesting depth). */
  lookup(prefix: string): string | undefined {
    for (let scope: NamespaceScope | undefined = this; scope !== undefined; scope = scope.parent) {
      const uri = scope.bindings.get(prefix);
      if (uri !== undefined) return uri;
    }
    return undefined;
  }
}

const EMPTY_SCOPE = new NamespaceScope(undefined, new Map());

function toElement(node: OrderedNode, parentScope: NamespaceScope): XmlElement | undefined {
  const tag = tagNameOf(node);
  if (tag === undefined) return undefined;
  const rawAttributes = node[':@'];
  const scope = rawAttributes === undefined ? parentScope : withDeclarations(parentScope, rawAttributes);
  const attributes: XmlAttribute[] = [];
  for (const name in rawAttributes) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const resolved = resolveName(name, scope, false);
    attributes.push({ namespace: resolved.namespace, localName: resolved.localName, value: String(rawAttributes[name]) });
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[tag] ?? []) as OrderedNode[]) {
    const childText = child['#text'];
    if (childText !== undefined) text += String(childText);
    else {
      const element = toElement(child, scope);
      if (element !== undefined) children.push(element);
    }
  }
  const name = resolveName(tag, scope, true);
  return { namespace: name.namespace, localName: name.localName, attributes, children, text, scope };
}

function withDeclarations(parentScope: NamespaceScope, attributes: Readonly<Record<string, string>>): NamespaceScope {
  let bindings: Map<string, string> | undefined;
  for (const name in attributes) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    bindings ??= new Map();
    bindings.set(name === 'xmlns' ? '' : name.slice('xmlns:'.length), String(attributes[name]));
  }
  return bindings === undefined ? parentScope : new NamespaceScope(parentScope, bindings);
}

function resolveName(name: string, scope: NamespaceScope, isElement: boolean): QualifiedName {
  const colon = name.indexOf(':');
  if (colon < 0) return { namespace: isElement ? scope.lookup('') : undefined, localName: name };
  const prefix = name.slice(0, colon);
  const namespace = prefix === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : prefix === 'xmlns' ? XMLNS_NS : scope.lookup(prefix);
  if (namespace === undefined) throw new SystemError(`undeclared XML namespace prefix "${prefix}" in <${name}>`);
  return { namespace, localName: name.slice(colon + 1) };
}

/**
 * Resolves a QName written in content (such as an xsi:type value) against the element's scope.
 * An unprefixed QName takes the default namespace. Precondition: any prefix used is declared.
 */
export function resolveQName(element: XmlElement, qname: string): QualifiedName {
  return resolveName(qname, element.scope, true);
}

/** The value of the attribute with this namespace and local name, if present. O(attributes). */
export function attributeValue(element: XmlElement, namespace: string | undefined, localName: string): string | undefined {
  return element.attributes.find((a) => a.namespace === namespace && a.localName === localName)?.value;
}

/** The element's xsi:type resolved to a qualified name (any prefix bound to the XSI namespace). */
export function xsiTypeOf(element: XmlElement): QualifiedName | undefined {
  const qname = attributeValue(element, XSI_NS, 'type');
  return qname === undefined ? undefined : resolveQName(element, qname);
}

/** The first child element with this local name (and namespace, when given). O(children). */
export function childNamed(element: XmlElement, localName: string, namespace?: string): XmlElement | undefined {
  return element.children.find((c) => c.localName === localName && (namespace === undefined || c.namespace === namespace));
}
