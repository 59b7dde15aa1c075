/**
 * The descriptor parser: reads text as ESXi, Workstation and qemu write it. Blank lines and `#`
 * comments are skipped; every other line is a header field, an extent or a ddb entry.
 */
import { DescriptorParseError } from './errors.js';
import { CREATE_TYPES, EXTENT_ACCESS, EXTENT_TYPES, NO_PARENT_CID } from './descriptor.js';
import type { CreateType, ExtentLine, VmdkDescriptor } from './descriptor.js';

const SIGNATURE = '# Disk DescriptorFile';
const HEADER_RE = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(?:"([^"]*)"|([^\s"]+))$/;
const DDB_RE = /^ddb\.([A-Za-z0-9_.]+)\s*=\s*"([^"]*)"$/;
const EXTENT_RE = /^([A-Z]+)\s+(\d+)\s+([A-Z]+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?$/;
const CID_RE = /^[0-9a-fA-F]{8}$/;
const UNSIGNED_RE = /^\d+$/;
const NUMERIC_DDB_KEYS = new Set(['geometry.cylinders', 'geometry.heads', 'geometry.sectors', 'virtualHWVersion', 'grain']);

/** One line with its 1-based number. */
interface Line {
  readonly number: number;
  readonly text: string;
}

/** The header fields seen so far, raw. */
type Header = Map<string, { readonly value: string; readonly line: Line }>;

/**
 * Parses descriptor text. O(length of the text).
 * @throws DescriptorParseError naming the offending line (or line 0 for a missing field).
 */
export function parseDescriptor(text: string): VmdkDescriptor {
  const lines = text.split(/\r?\n/).map((t, i): Line => ({ number: i + 1, text: t.trim() }));
  const firstLine = lines.find((l) => l.text !== '');
  if (firstLine?.text !== SIGNATURE) {
    throw new DescriptorParseError(firstLine?.number ?? 0, firstLine?.text ?? '', `expected "${SIGNATURE}"`);
  }
  const header: Header = new Map();
  const extents: ExtentLine[] = [];
  const ddb: Record<string, string> = {};
  for (const line of lines) {
    if (line.text === '' || line.text.startsWith('#')) continue;
    if (line.text.startsWith('ddb.')) readDdb(line, ddb);
    else if (EXTENT_RE.test(line.text)) extents.push(readExtent(line));
    else readHeader(line, header);
  }
  return assemble(header, extents, ddb);
}

function readHeader(line: Line, header: Header): void {
  const m = HEADER_RE.exec(line.text);
  if (!m) throw new DescriptorParseError(line.number, line.text, 'not a header field, extent or ddb entry');
  const key = m[1]!;
  if (!['version', 'encoding', 'CID', 'parentCID', 'isNativeSnapshot', 'createType', 'parentFileNameHint'].includes(key)) {
    throw new DescriptorParseError(line.number, line.text, `unsupported header field ${key}`);
  }
  if (header.has(key)) throw new DescriptorParseError(line.number, line.text, `duplicate header field ${key}`);
  header.set(key, { value: m[2] ?? m[3]!, line });
}

function readDdb(line: Line, ddb: Record<string, string>): void {
  const m = DDB_RE.exec(line.text);
  if (!m) throw new DescriptorParseError(line.number, line.text, 'a ddb entry reads ddb.<key> = "<value>"');
  const [, key = '', value = ''] = m;
  if (Object.hasOwn(ddb, key)) throw new DescriptorParseError(line.number, line.text, `duplicate ddb entry ${key}`);
  if (NUMERIC_DDB_KEYS.has(key) && !UNSIGNED_RE.test(value)) {
    throw new DescriptorParseError(line.number, line.text, `ddb.${key} must be a whole number`);
  }
  if (key === 'thinProvisioned' && value !== '0' && value !== '1') {
    throw new DescriptorParseError(line.number, line.text, 'ddb.thinProvisioned must be "0" or "1"');
  }
  ddb[key] = value;
}

function readExtent(line: Line): ExtentLine {
  const [, access = '', sectors = '', type = '', fileName, offset] = EXTENT_RE.exec(line.text)!;
  if (!isOneOf(EXTENT_ACCESS, access)) throw new DescriptorParseError(line.number, line.text, `unknown extent access ${access}`);
  if (!isOneOf(EXTENT_TYPES, type)) throw new DescriptorParseError(line.number, line.text, `unknown extent type ${type}`);
  const count = Number(sectors);
  if (!Number.isSafeInteger(count) || count <= 0) throw new DescriptorParseError(line.number, line.text, 'extent size must be a positive number of sectors');
  if ((type === 'ZERO') !== (fileName === undefined)) {
    throw new DescriptorParseError(line.number, line.text, type === 'ZERO' ? 'a ZERO extent names no file' : 'extent file name missing');
  }
  return {
    access,
    sectors: count,
    type,
    ...(fileName === undefined ? {} : { fileName }),
    ...(offset === undefined ? {} : { offset: Number(offset) }),
  };
}

function assemble(header: Header, extents: ExtentLine[], ddb: Record<string, string>): VmdkDescriptor {
  const version = required(header, 'version');
  if (!UNSIGNED_RE.test(version.value)) throw new DescriptorParseError(version.line.number, version.line.text, 'version must be a whole number');
  const createType = required(header, 'createType');
  if (!isOneOf(CREATE_TYPES, createType.value)) {
    throw new DescriptorParseError(createType.line.number, createType.line.text, `unknown createType ${createType.value}`);
  }
  const cid = readCid(required(header, 'CID'));
  const parentCid = readCid(required(header, 'parentCID'));
  const hint = header.get('parentFileNameHint');
  if ((parentCid === NO_PARENT_CID) !== (hint === undefined)) {
    const where = hint?.line ?? required(header, 'parentCID').line;
    throw new DescriptorParseError(where.number, where.text, 'parentFileNameHint and a parentCID other than ffffffff go together');
  }
  if (extents.length === 0) throw new DescriptorParseError(0, '', 'no extent lines');
  const isNativeSnapshot = header.get('isNativeSnapshot')?.value;
  return {
    version: Number(version.value),
    encoding: header.get('encoding')?.value ?? 'UTF-8',
    cid,
    parentCid,
    ...(isNativeSnapshot === undefined ? {} : { isNativeSnapshot }),
    createType: createType.value as CreateType,
    ...(hint === undefined ? {} : { parentFileNameHint: hint.value }),
    extents,
    ddb,
  };
}

function required(header: Header, key: string): { readonly value: string; readonly line: Line } {
  const field = header.get(key);
  if (!field) throw new DescriptorParseError(0, '', `missing header field ${key}`);
  return field;
}

function readCid(field: { readonly value: string; readonly line: Line }): number {
  if (!CID_RE.test(field.value)) throw new DescriptorParseError(field.line.number, field.line.text, 'a CID is 8 hex digits');
  return Number.parseInt(field.value, 16);
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
