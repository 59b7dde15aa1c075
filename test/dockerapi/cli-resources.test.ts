/** The real docker CLI against the server: images, cp, networks, volumes, system commands, refusals. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('images', () => {
  it('pulls with progress, lists, tags with an unescaped registry ref, and removes', async () => {
    const pull = await docker(h, ['pull', 'busybox:1.36']);
    expect(pull.stdout).toContain('Status: Downloaded newer image for busybox:1.36');
    expect((await docker(h, ['pull', 'busybox:faketag'])).stderr).toContain('Tag faketag not found in repository library/busybox');
    expect((await docker(h, ['tag', 'busybox', 'myreg.local:5000/bb:v1'])).code).toBe(0);
    expect((await docker(h, ['images'])).stdout).toContain('myreg.local:5000/bb');
    expect((await docker(h, ['image', 'inspect', 'myreg.local:5000/bb:v1'])).code).toBe(0);
    expect((await docker(h, ['history', 'busybox'])).code).toBe(0);
    expect((await docker(h, ['rmi', 'myreg.local:5000/bb:v1'])).stdout).toContain('Untagged: myreg.local:5000/bb:v1');
  });

  it('saves and loads an archive with docker save and docker load', async () => {
    const file = join(h.dir, 'images.tar');
    expect((await docker(h, ['save', '-o', file, 'busybox'])).code).toBe(0);
    expect(readFileSync(file).length).toBeGreaterThan(512);
    const load = await docker(h, ['load', '-i', file]);
    expect(load).toMatchObject({ code: 0, stdout: 'Loaded image: busybox:latest\n' });
    writeFileSync(join(h.dir, 'bad.tar'), 'not a tar at all');
    const bad = await docker(h, ['load', '-i', join(h.dir, 'bad.tar')]);
    expect(bad.code).toBe(1);
  });
});

describe('docker cp', () => {
  it('copies a file into a container and back out, with the path-stat header', async () => {
    await docker(h, ['run', '-d', '--name', 'files', 'busybox', 'sleep']);
    const src = join(h.dir, 'note.txt');
    writeFileSync(src, 'copied content\n');
    expect((await docker(h, ['cp', src, 'files:/tmp/'])).code).toBe(0);
    const out = join(h.dir, 'back.txt');
    expect((await docker(h, ['cp', 'files:/tmp/note.txt', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('copied content\n');
    expect((await docker(h, ['diff', 'files'])).stdout).toContain('A /tmp/note.txt');
    expect((await docker(h, ['cp', 'files:/nope', out])).stderr).toContain('Could not find the file /nope');
  });
});

describe('networks and volumes', () => {
  it('creates, lists, inspects and removes networks with docker\'s messages', async () => {
    expect((await docker(h, ['network', 'create', 'mynet'])).code).toBe(0);
    expect((await docker(h, ['network', 'create', 'mynet'])).stderr).toContain('already exists');
    expect((await docker(h, ['network', 'ls'])).stdout).toContain('mynet');
    expect((await docker(h, ['network', 'rm', 'mynet'])).code).toBe(0);
    expect((await docker(h, ['network', 'inspect', 'nope'])).stderr).toContain('network nope not found');
  });

  it('creates, lists and removes volumes', async () => {
    expect((await docker(h, ['volume', 'create', 'myvol'])).stdout.trim()).toBe('myvol');
    expect((await docker(h, ['volume', 'ls'])).stdout).toContain('myvol');
    expect((await docker(h, ['volume', 'rm', 'myvol'])).code).toBe(0);
    expect((await docker(h, ['volume', 'inspect', 'zzz'])).stderr).toContain('get zzz: no such volume');
  });
});

describe('system commands', () => {
  it('answers version, info, system df and system prune', async () => {
    expect((await docker(h, ['version'])).stdout).toContain('API version:      1.47 (minimum version 1.24)');
    const info = await docker(h, ['info']);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('Swarm: inactive');
    expect((await docker(h, ['system', 'df'])).code).toBe(0);
    expect((await docker(h, ['system', 'prune', '-f'])).code).toBe(0);
    expect((await docker(h, ['container', 'prune', '-f'])).code).toBe(0);
  });

  it('logs in with good credentials and refuses bad ones with 401', async () => {
    expect((await docker(h, ['login', '-u', 'user', '--password-stdin', 'registry.local'], { input: 'pass' })).stdout).toContain('Login Succeeded');
    expect((await docker(h, ['login', '-u', 'user', '--password-stdin', 'registry.local'], { input: 'wrong' })).stderr).toContain('incorrect username or password');
  });

  it('reports a missing object through docker inspect', async () => {
    const r = await docker(h, ['inspect', 'nothing-here']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No such object: nothing-here');
  });

  it('refuses build and swarm with a message naming the VCH', async () => {
    const build = await docker(h, ['build', '-'], { input: 'FROM busybox\n', env: { DOCKER_BUILDKIT: '0' } });
    expect(build.code).not.toBe(0);
    expect(build.stderr).toContain('vicsim VCH does not support docker build');
    const nodes = await docker(h, ['node', 'ls']);
    expect(nodes.code).toBe(1);
    expect(nodes.stderr).toContain('vicsim VCH does not support swarm mode');
  });
});
