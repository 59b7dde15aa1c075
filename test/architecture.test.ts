/**
 * Guards the layering of ARCHITECTURE.md: imports go downwards only, and the model (sim,
 * hypervisor, instantclone, drs) never reads the wall clock, sets timers or calls Math.random.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Which layers each layer may import (besides itself). `backend` is backend/backend.ts. */
const ALLOWED: Record<string, string[]> = {
  sim: [],
  // instantclone sits below hypervisor: memory images are to VMs what the VMDK store is to disks
  // (README, Design). It knows nothing of VMs or hosts.
  instantclone: ['sim'],
  hypervisor: ['sim', 'instantclone'],
  drs: ['sim', 'hypervisor', 'instantclone'],
  backend: ['sim'],
  'backend/model': ['backend', 'sim', 'hypervisor', 'instantclone', 'drs'],
  'backend/vsphere': ['backend', 'sim'],
  vch: ['backend', 'sim'],
  dockerapi: ['vch', 'backend', 'sim'],
  capacity: ['backend', 'backend/model', 'drs', 'instantclone', 'hypervisor', 'sim'],
  testing: ['backend', 'backend/model', 'hypervisor', 'sim'],
  cli: ['*'],
  root: ['*'],
};

const MODEL_LAYERS = ['sim', 'hypervisor', 'instantclone', 'drs'];
const IMPURE = /\bDate\.now\(|new Date\(\s*\)|\bMath\.random\(|\bsetTimeout\(|\bsetInterval\(|\bsetImmediate\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  if (rel.length === 1) return 'root';
  if (rel[0] === 'backend') return rel.length === 2 ? 'backend' : `backend/${rel[1]}`;
  return rel[0]!;
}

function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) out.push(m[1]!);
  return out;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('the architecture', () => {
  const files = sourceFiles(SRC);

  it('has source files in every layer it guards', () => {
    const layers = new Set(files.map(layerOf));
    for (const l of ['sim', 'hypervisor', 'backend', 'backend/model', 'testing', 'cli']) expect(layers.has(l), l).toBe(true);
  });

  it('imports only downwards', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const allowed = ALLOWED[from];
      expect(allowed, `layer ${from} is not in the table`).toBeDefined();
      if (allowed!.includes('*')) continue;
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const to = layerOf(resolve(dirname(file), spec));
        if (to !== from && !allowed!.includes(to)) violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps wall clock, timers and Math.random out of the model', () => {
    const violations: string[] = [];
    for (const file of files) {
      if (!MODEL_LAYERS.includes(layerOf(file))) continue;
      stripComments(readFileSync(file, 'utf8'))
        .split('\n')
        .forEach((line, i) => {
          if (IMPURE.test(line)) violations.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(violations).toEqual([]);
  });

  it('recognises the forbidden calls it bans', () => {
    for (const bad of ['Date.now()', 'new Date()', 'Math.random()', 'setTimeout(f, 1)', 'setInterval(f, 1)']) expect(IMPURE.test(bad), bad).toBe(true);
    expect(IMPURE.test('new Date(this.epochMs + at)')).toBe(false);
  });
});
