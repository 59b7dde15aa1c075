import { describe, expect, it } from 'vitest';
import { resolveIdentity } from '../../../src/vch/guest/identity.js';
import { busyboxFs } from './harness.js';

describe('resolving a user against the guest files', () => {
  it('sees an edited /etc/passwd at the next resolution, though the same text is parsed once', () => {
    const fs = busyboxFs();
    expect(resolveIdentity(fs, 'app')).toMatchObject({ uid: 1000, gid: 1000, user: 'app', home: '/home/app' });
    expect(resolveIdentity(fs, 'app')).toMatchObject({ uid: 1000, gid: 1000, user: 'app', home: '/home/app' });
    fs.writeFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1001:10:App:/srv/app:/bin/sh\n');
    expect(resolveIdentity(fs, 'app')).toMatchObject({ uid: 1001, gid: 10, user: 'app', group: 'wheel', home: '/srv/app' });
  });

  it('answers the same for many distinct passwd files as for one', () => {
    for (let i = 0; i < 100; i++) {
      const fs = busyboxFs();
      fs.writeFile('/etc/passwd', `root:x:0:0:root:/root:/bin/sh\nu${i}:x:${2000 + i}:0::/home/u${i}:/bin/sh\n`);
      expect(resolveIdentity(fs, `u${i}`)).toMatchObject({ uid: 2000 + i, gid: 0, user: `u${i}`, group: 'root', home: `/home/u${i}` });
    }
  });

  it('still counts the read of the files a resolution makes', () => {
    const fs = busyboxFs();
    let reads = 0;
    const counting = new Proxy(fs, { get: (t, k) => (k === 'readFile' ? (p: string) => (reads++, t.readFile(p)) : Reflect.get(t, k, t)) });
    resolveIdentity(counting, 'root');
    resolveIdentity(counting, 'root');
    expect(reads).toBe(4);
  });
});
