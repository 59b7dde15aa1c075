/**
 * Authenticated pulls from a real registry: htpasswd (HTTP Basic) and token (Bearer, with the test
 * token service of token-server.ts), credentials handed over as a docker client's X-Registry-Auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveImage } from '../../../src/vch/archive/image.js';
import { decodeRegistryAuth, encodeRegistryAuth } from '../../../src/vch/registry/auth.js';
import { ManifestUnknownError, RegistryUnauthorizedError, RepositoryNotFoundError } from '../../../src/vch/registry/errors.js';
import { RegistryClient } from '../../../src/vch/registry/pull.js';
import { TEST_USER } from './registry-server.js';
import type { LocalRegistry, RegistryAuth } from './registry-server.js';
import { busyboxRegistry, type BusyboxRegistry } from './busybox-registry.js';

// The first start may install the peers with apt-get (scripts/registry/ensure.sh).
const HOOK_TIMEOUT = 300_000;
const XRA_RIGHT = encodeRegistryAuth({ kind: 'password', ...TEST_USER });
const XRA_WRONG = encodeRegistryAuth({ kind: 'password', username: TEST_USER.username, password: 'not-the-password' });

describe.each<RegistryAuth>(['htpasswd', 'token'])('pulling from a real registry with %s auth', (auth) => {
  let fixture: BusyboxRegistry | undefined;
  let registry: LocalRegistry;
  let busybox: ArchiveImage;
  let client: RegistryClient;

  beforeAll(async () => {
    fixture = await busyboxRegistry(auth);
    ({ registry, busybox, client } = fixture);
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await fixture?.stop();
  });

  it('pulls by tag and by digest with the credentials of X-Registry-Auth', async () => {
    const credentials = decodeRegistryAuth(XRA_RIGHT);
    const byTag = await client.pull(`${registry.host}/library/busybox`, { credentials });
    expect(byTag.config.digest).toBe(busybox.config.digest);
    const byDigest = await client.pull(`${registry.host}/library/busybox@${byTag.manifestDigest}`, { credentials });
    expect(byDigest.config.digest).toBe(busybox.config.digest);
  });

  it('refuses a wrong password: unauthorized', async () => {
    const pull = client.pull(`${registry.host}/library/busybox`, { credentials: decodeRegistryAuth(XRA_WRONG) });
    await expect(pull).rejects.toBeInstanceOf(RegistryUnauthorizedError);
  });

  it('names a missing tag even when authenticated', async () => {
    const pull = client.pull(`${registry.host}/library/busybox:faketag`, { credentials: decodeRegistryAuth(XRA_RIGHT) });
    await expect(pull).rejects.toThrow(new ManifestUnknownError('library/busybox', 'faketag', '').message);
  });

  if (auth === 'htpasswd') {
    it('refuses an anonymous pull: unauthorized: authentication required', async () => {
      await expect(client.pull(`${registry.host}/library/busybox`)).rejects.toThrow(new RegistryUnauthorizedError(registry.host));
      expect(new RegistryUnauthorizedError(registry.host).message).toBe('unauthorized: authentication required');
    });
  } else {
    it("refuses an anonymous pull as Docker Hub does: repository does not exist or may require 'docker login'", async () => {
      await expect(client.pull(`${registry.host}/library/busybox`)).rejects.toThrow(new RepositoryNotFoundError(`${registry.host}/library/busybox`));
    });
  }
});
