/**
 * TLS material as VIC's `--tls` made it and docker's `--tlsverify` / DOCKER_CERT_PATH expect it:
 * a CA, a server certificate (SAN 127.0.0.1 and localhost, plus any extra names) and a client
 * certificate, written as ca.pem, server-cert.pem, server-key.pem, cert.pem and key.pem.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

/** The files of a TLS directory, as PEM text. */
export interface TlsFiles {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** File names docker expects in DOCKER_CERT_PATH (client) and dockerd's --tlscacert/--tlscert/--tlskey (server). */
export const TLS_FILE_NAMES = {
  ca: 'ca.pem',
  serverCert: 'server-cert.pem',
  serverKey: 'server-key.pem',
  clientCert: 'cert.pem',
  clientKey: 'key.pem',
} as const satisfies Record<keyof TlsFiles, string>;

/** Certificate lifetime (days). Estimate: VIC's generated certificates lasted a year. */
export const TLS_VALIDITY_DAYS = 365;

interface Issued {
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.rsa.PrivateKey;
}

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function issue(commonName: string, extensions: object[], issuer?: Issued): Issued {
  const pair = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = pair.publicKey;
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + TLS_VALIDITY_DAYS * 86_400_000);
  const subject = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'vicsim' }];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  cert.setExtensions(extensions);
  cert.sign(issuer ? issuer.key : pair.privateKey, forge.md.sha256.create());
  return { cert, key: pair.privateKey };
}

function altNames(hosts: readonly string[]): object[] {
  return hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
}

/**
 * Generates a CA, a server and a client certificate into `dir` (created if missing), overwriting
 * the five files. `extraHosts` are added to the server certificate's SAN. Takes ~0.1–1 s (three RSA keys).
 */
export function generateTlsMaterial(dir: string, extraHosts: readonly string[] = []): TlsFiles {
  const ca = issue('vicsim CA', [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
  ]);
  const server = issue('localhost', [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: altNames(['127.0.0.1', 'localhost', ...extraHosts]) },
  ], ca);
  const client = issue('client', [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ], ca);
  const files: TlsFiles = {
    ca: forge.pki.certificateToPem(ca.cert),
    serverCert: forge.pki.certificateToPem(server.cert),
    serverKey: forge.pki.privateKeyToPem(server.key),
    clientCert: forge.pki.certificateToPem(client.cert),
    clientKey: forge.pki.privateKeyToPem(client.key),
  };
  mkdirSync(dir, { recursive: true });
  for (const [field, name] of Object.entries(TLS_FILE_NAMES)) {
    writeFileSync(join(dir, name), files[field as keyof TlsFiles], { mode: name.endsWith('key.pem') ? 0o600 : 0o644 });
  }
  return files;
}

/** Reads the five files of a TLS directory. Throws the fs error if one is missing. */
export function loadTlsFiles(dir: string): TlsFiles {
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return {
    ca: read(TLS_FILE_NAMES.ca),
    serverCert: read(TLS_FILE_NAMES.serverCert),
    serverKey: read(TLS_FILE_NAMES.serverKey),
    clientCert: read(TLS_FILE_NAMES.clientCert),
    clientKey: read(TLS_FILE_NAMES.clientKey),
  };
}
