/**
 * Image references, parsed and normalised exactly as docker does (distribution/reference:
 * ParseNormalizedNamed + TagNameOnly): `busybox` → `docker.io/library/busybox:latest`,
 * `index.docker.io/x/y` → `docker.io/x/y:latest`, `127.0.0.1:5000/bb@sha256:…` keeps its host,
 * port and digest. Only sha256 digests are accepted (the only kind this client can verify).
 */
import { InvalidReferenceError } from './errors.js';

/** Docker Hub's registry name in normalised references. */
export const DEFAULT_DOMAIN = 'docker.io';
/** The host that serves Docker Hub's registry API. */
export const DEFAULT_REGISTRY_HOST = 'registry-1.docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const NAME_TOTAL_LENGTH_MAX = 255;

const ALPHA_NUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

/** A parsed, normalised image reference. Immutable. */
export class ImageReference {
  /**
   * Precondition: the parts are already valid and normalised (use `parseReference` for user text).
   * @param domain registry name: "docker.io" or a host with an optional port.
   * @param path repository path inside the registry, e.g. "library/busybox".
   */
  constructor(
    readonly domain: string,
    readonly path: string,
    readonly tag: string | undefined,
    readonly digest: `sha256:${string}` | undefined,
  ) {}

  /** Fully qualified repository name, e.g. "docker.io/library/busybox". */
  get name(): string {
    return `${this.domain}/${this.path}`;
  }

  /** The host (with port) to send registry API calls to; Docker Hub's is registry-1.docker.io. */
  get registryHost(): string {
    return this.domain === DEFAULT_DOMAIN ? DEFAULT_REGISTRY_HOST : this.domain;
  }

  /** What the manifest is fetched by: the digest when there is one, else the tag. */
  get tagOrDigest(): string {
    return this.digest ?? this.tag ?? DEFAULT_TAG;
  }

  /** The short name docker prints: "busybox", "user/app", "127.0.0.1:5000/library/busybox". */
  get familiarName(): string {
    if (this.domain !== DEFAULT_DOMAIN) return this.name;
    return this.path.startsWith(OFFICIAL_REPO_PREFIX) && this.path.indexOf('/', OFFICIAL_REPO_PREFIX.length) === -1
      ? this.path.slice(OFFICIAL_REPO_PREFIX.length)
      : this.path;
  }

  /** Familiar name with tag and digest, e.g. "busybox:latest" or "busybox@sha256:…". */
  get familiarString(): string {
    return this.familiarName + this.suffix();
  }

  /** The normalised reference, e.g. "docker.io/library/busybox:latest". */
  toString(): string {
    return this.name + this.suffix();
  }

  private suffix(): string {
    return (this.tag !== undefined ? `:${this.tag}` : '') + (this.digest !== undefined ? `@${this.digest}` : '');
  }
}

/**
 * Parses user text into a normalised reference; the tag defaults to "latest" when neither a tag nor
 * a digest is given. O(length).
 * @throws InvalidReferenceError with docker's reason ("invalid reference format", "repository name
 *   must be lowercase", "invalid checksum digest length", …).
 */
export function parseReference(text: string): ImageReference {
  if (IDENTIFIER_RE.test(text)) {
    throw new InvalidReferenceError(text, `invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(text);
  const tagSeparator = remainder.indexOf(':');
  const remoteName = tagSeparator > -1 ? remainder.slice(0, tagSeparator) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidReferenceError(text, 'invalid reference format: repository name must be lowercase');
  }
  const match = REFERENCE_RE.exec(`${domain}/${remainder}`);
  if (!match) throw new InvalidReferenceError(text, text === '' ? 'repository name must have at least one component' : 'invalid reference format');
  const [, name = '', tag, digest] = match;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidReferenceError(text, `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  return new ImageReference(domain, name.slice(domain.length + 1), tag ?? (digest ? undefined : DEFAULT_TAG), checkDigest(text, digest));
}

/**
 * The reference a Docker API pull names with `fromImage` and `tag` (POST /images/create): a tag that
 * is a digest pins it, any other tag replaces the default.
 * @throws InvalidReferenceError as parseReference, or when the tag is not a valid tag.
 */
export function referenceFromPullParameters(fromImage: string, tag?: string): ImageReference {
  const base = parseReference(fromImage);
  if (tag === undefined || tag === '') return base;
  if (tag.includes(':')) return parseReference(`${base.name}@${tag}`);
  if (!TAG_RE.test(tag)) throw new InvalidReferenceError(`${fromImage}:${tag}`, 'invalid reference format');
  return new ImageReference(base.domain, base.path, tag, base.digest);
}

function splitDockerDomain(text: string): { domain: string; remainder: string } {
  const slash = text.indexOf('/');
  const first = slash === -1 ? '' : text.slice(0, slash);
  let domain: string;
  let remainder: string;
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = text;
  } else {
    domain = first;
    remainder = text.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

function checkDigest(text: string, digest: string | undefined): `sha256:${string}` | undefined {
  if (digest === undefined) return undefined;
  const [algorithm = '', hex = ''] = digest.split(':');
  if (algorithm !== 'sha256') throw new InvalidReferenceError(text, 'unsupported digest algorithm');
  if (hex.length !== 64) throw new InvalidReferenceError(text, 'invalid checksum digest length');
  if (hex !== hex.toLowerCase()) throw new InvalidReferenceError(text, 'invalid checksum digest format');
  return `sha256:${hex}`;
}
