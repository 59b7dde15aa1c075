/** TLS verification of the vim25 client against vcsim serving https with its self-signed certificate. */
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { VimCertificateError, VimClient } from '../../../src/backend/vsphere/vim25/index.js';
import { useVcsim } from './vcsim.js';

const vcsim = useVcsim({ tls: true, hostsPerCluster: 1, vmsPerCluster: 1 });

/** Reads the server certificate's fingerprints the way an administrator would before pinning it. */
function serverCertificate(url: URL): Promise<{ sha1: string; sha256: string; pem: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: url.hostname, port: Number(url.port), rejectUnauthorized: false }, () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      const base64 = certificate.raw.toString('base64').replace(/.{64}/g, '$&\n');
      const pem = `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
      resolve({ sha1: certificate.fingerprint, sha256: certificate.fingerprint256, pem });
    });
    socket.once('error', reject);
  });
}

describe('vim25 client over https', () => {
  it('connects when the certificate matches the pinned SHA-256 or SHA-1 thumbprint', async () => {
    const { sha1, sha256 } = await serverCertificate(vcsim().url);
    for (const thumbprint of [sha256, sha1.replace(/:/g, '').toLowerCase()]) {
      const client = await VimClient.connect({ url: vcsim().url, tls: { thumbprint } });
      expect(client.serviceContent.about.apiType).toBe('VirtualCenter');
      client.close();
    }
  });

  it('refuses a certificate that does not match the pinned thumbprint', async () => {
    const failure = await VimClient.connect({ url: vcsim().url, tls: { thumbprint: '00'.repeat(32) } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VimCertificateError);
  });

  it('connects when the certificate chains to a CA given in the options', async () => {
    const { pem } = await serverCertificate(vcsim().url);
    const client = await VimClient.connect({ url: vcsim().url, tls: { ca: pem } });
    expect(client.serviceContent.about.apiType).toBe('VirtualCenter');
    client.close();
  });

  it('refuses a self-signed certificate that no trusted CA signed', async () => {
    const failure = await VimClient.connect({ url: vcsim().url }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VimCertificateError);
  });
});
