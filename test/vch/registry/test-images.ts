/**
 * Test images built from real content with the project's own archive writer: busybox from Debian's
 * busybox-static (/bin/busybox plus one symlink per applet, Cmd ["sh"]), and a large image with one
 * random-content file for throughput measurements.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDockerArchive } from '../../../src/vch/archive/docker-archive.js';
import { layerFromTar, parseImageConfig } from '../../../src/vch/archive/image.js';
import type { ArchiveImage, ImageLayer } from '../../../src/vch/archive/image.js';
import { writeLayerTar } from '../../../src/vch/archive/layer-tar.js';
import type { LayerEntry } from '../../../src/vch/archive/layer-tar.js';

/** A fixed creation time, so the same content always gives the same image id. */
const CREATED = '2024-01-01T00:00:00Z';
const MTIME = Date.parse(CREATED) / 1000;

function dir(path: string): LayerEntry {
  return { path, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: MTIME, size: 0, linkname: '' };
}

function file(path: string, content: Uint8Array, mode = 0o644): LayerEntry {
  return { path, type: 'file', mode, uid: 0, gid: 0, mtime: MTIME, size: content.length, linkname: '', content };
}

/** The layer of a busybox image: bin/, bin/busybox and a symlink bin/<applet> → busybox per applet. */
export function busyboxEntries(): LayerEntry[] {
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name !== '' && name !== 'busybox');
  const links = applets.map((name): LayerEntry => ({ path: `bin/${name}`, type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: MTIME, size: 0, linkname: 'busybox' }));
  return [dir('bin'), file('bin/busybox', readFileSync('/bin/busybox'), 0o755), ...links];
}

/** An image config for the layers, with Cmd and architecture as given. */
export function imageConfig(layers: readonly ImageLayer[], cmd: string[], architecture = 'amd64'): Uint8Array {
  const config = {
    architecture,
    os: 'linux',
    created: CREATED,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: cmd },
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map(() => ({ created: CREATED, created_by: 'vicsim test image' })),
  };
  return Buffer.from(JSON.stringify(config));
}

/** Builds an image from layer entry lists. */
export async function buildImage(layerEntries: LayerEntry[][], repoTags: string[], cmd: string[], architecture = 'amd64'): Promise<ArchiveImage> {
  const layers = await Promise.all(layerEntries.map(async (entries) => layerFromTar(await writeLayerTar(entries))));
  return { repoTags, config: parseImageConfig(imageConfig(layers, cmd, architecture)), layers };
}

/** The busybox test image (one layer, Cmd ["sh"]). */
export function buildBusyboxImage(architecture = 'amd64'): Promise<ArchiveImage> {
  return buildImage([busyboxEntries()], ['busybox:latest'], ['sh'], architecture);
}

/** An image with one file of `bytes` random bytes on top of the busybox layer. */
export function buildRandomImage(bytes: number): Promise<ArchiveImage> {
  return buildImage([busyboxEntries(), [dir('data'), file('data/random.bin', randomBytes(bytes))]], ['random:latest'], ['sh']);
}

/** Writes the images as a docker archive file in `dir` and returns its path. */
export async function writeArchiveFile(dirPath: string, name: string, images: readonly ArchiveImage[]): Promise<string> {
  const path = join(dirPath, name);
  writeFileSync(path, await writeDockerArchive(images));
  return path;
}
