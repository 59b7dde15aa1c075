/**
 * Measures pull throughput from a local registry (Debian's docker-registry on 127.0.0.1): the
 * project's RegistryClient next to `skopeo copy docker://… dir:…` of the same image, the plain
 * reference. The image is busybox plus one layer holding a random (incompressible) file.
 *
 *   npx tsx scripts/registry/measure-pull.ts [--mb 50] [--runs 3]
 *
 * Prints one JSON object: sizes, and per tool the median seconds and MB/s (MB = 10^6 bytes of
 * registry blobs transferred). For the client, "download" covers the first Downloading event to the
 * last Download complete (what skopeo does: fetch and verify), "pull" the whole call (plus gunzip,
 * diff_id check and tar parse).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { RegistryClient } from '../../src/vch/registry/pull.js';
import { startRegistry } from '../../test/vch/registry/registry-server.js';
import { buildRandomImage, writeArchiveFile } from '../../test/vch/registry/test-images.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' }, runs: { type: 'string', default: '3' } } });
const randomBytesCount = Number(values.mb) * 1_000_000;
const runs = Number(values.runs);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const registry = await startRegistry('none');
const workDir = mkdtempSync(join(tmpdir(), 'vicsim-measure-'));
try {
  const image = await buildRandomImage(randomBytesCount);
  await registry.push(await writeArchiveFile(workDir, 'random.tar', [image]), 'bench/random:latest');
  const reference = `${registry.host}/bench/random:latest`;
  const client = new RegistryClient({ insecureRegistries: [registry.host] });
  const pullSeconds: number[] = [];
  const downloadSeconds: number[] = [];
  let blobBytes = 0;
  for (let i = 0; i < runs; i++) {
    let firstByte = 0;
    let lastComplete = 0;
    const start = performance.now();
    const pulled = await client.pull(reference, {
      onProgress: (event) => {
        if (event.status === 'Downloading' && firstByte === 0) firstByte = performance.now();
        if (event.status === 'Download complete') lastComplete = performance.now();
      },
    });
    pullSeconds.push((performance.now() - start) / 1000);
    downloadSeconds.push((lastComplete - firstByte) / 1000);
    blobBytes = pulled.layers.reduce((sum, layer) => sum + layer.size, 0);
  }
  const skopeoSeconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const target = join(workDir, `dir-${i}`);
    const start = performance.now();
    await run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--src-tls-verify=false', `docker://${reference}`, `dir:${target}`]);
    skopeoSeconds.push((performance.now() - start) / 1000);
    rmSync(target, { recursive: true, force: true });
  }
  const rate = (seconds: number): number => Math.round((blobBytes / 1e6 / seconds) * 10) / 10;
  const round = (seconds: number): number => Math.round(seconds * 1000) / 1000;
  console.log(
    JSON.stringify(
      {
        randomFileMB: randomBytesCount / 1e6,
        blobMB: Math.round(blobBytes / 1e5) / 10,
        runs,
        client: {
          pullSeconds: round(median(pullSeconds)),
          pullMBps: rate(median(pullSeconds)),
          downloadSeconds: round(median(downloadSeconds)),
          downloadMBps: rate(median(downloadSeconds)),
        },
        skopeoCopyToDir: { seconds: round(median(skopeoSeconds)), MBps: rate(median(skopeoSeconds)) },
      },
      null,
      2,
    ),
  );
} finally {
  await registry.stop();
  rmSync(workDir, { recursive: true, force: true });
}
