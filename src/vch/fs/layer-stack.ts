/**
 * The merged, read-only view of an image's layers: one index per stack of layers, shared by every
 * container on that image and built lazily, one directory at a time. A directory's merged entries are
 * computed on its first lookup in O(its entries summed over the layers that contribute to it) and
 * cached, so repeated lookups cost O(1) a component whatever the number of layers.
 */
import type { FileNode, LinkNode, NodeMeta } from './nodes.js';
import { DEFAULT_DIR_MODE } from './nodes.js';
import type { LayerDir, LayerTree } from './layer-tree.js';

/** A node of the merged lower view. */
export type MergedNode = MergedDir | FileNode | LinkNode;

/** A directory of the merged view: the same path in each contributing layer, bottom-up. */
export class MergedDir {
  /** Discriminant shared with the other node kinds. */
  readonly kind = 'dir' as const;
  private index: Map<string, MergedNode> | undefined;
  private sortedNames: string[] | undefined;

  /**
   * Precondition: `sources` are the directories at this path of the contributing layers, bottom-up,
   * starting at the topmost opaque one (nothing below an opaque directory contributes).
   */
  constructor(
    /** Metadata of the topmost contributing directory. */
    readonly meta: NodeMeta,
    private readonly sources: readonly LayerDir[],
  ) {}

  /** The merged child `name`, or undefined. O(1) after the first call on this directory. */
  child(name: string): MergedNode | undefined {
    return this.entries().get(name);
  }

  /** The merged names, sorted. O(1) after the first call. */
  names(): readonly string[] {
    this.sortedNames ??= [...this.entries().keys()].sort();
    return this.sortedNames;
  }

  private entries(): Map<string, MergedNode> {
    if (this.index) return this.index;
    const merged = new Map<string, LayerDir[] | FileNode | LinkNode>();
    for (const source of this.sources) {
      for (const name of source.whiteouts) merged.delete(name);
      for (const [name, child] of source.children) {
        const below = merged.get(name);
        if (child.kind !== 'dir') merged.set(name, child);
        else if (Array.isArray(below) && !child.opaque) below.push(child);
        else merged.set(name, [child]);
      }
    }
    this.index = new Map();
    for (const [name, value] of merged) {
      this.index.set(name, Array.isArray(value) ? new MergedDir(value[value.length - 1]!.meta, value) : value);
    }
    return this.index;
  }
}

const EMPTY_ROOT_META: NodeMeta = { mode: DEFAULT_DIR_MODE, uid: 0, gid: 0, mtimeMs: 0 };

/**
 * An ordered stack of image layers (bottom first) with its merged index. Stacks are interned:
 * {@link LayerStack.of} returns the same object for the same layers, so every image and container
 * over those layers shares one index. Immutable.
 */
export class LayerStack {
  /** The stack of no layers (an empty root directory). */
  static readonly EMPTY = new LayerStack([]);

  /** The merged root directory. */
  readonly root: MergedDir;
  /** Content bytes of all layers (each layer's {@link LayerTree.contentBytes}). */
  readonly contentBytes: number;
  private readonly above = new WeakMap<LayerTree, LayerStack>();

  private constructor(
    /** The layers, bottom first. */
    readonly layers: readonly LayerTree[],
  ) {
    const roots = layers.map((layer) => layer.root);
    let start = 0;
    roots.forEach((root, i) => {
      if (root.opaque) start = i;
    });
    const sources = roots.slice(start);
    this.root = new MergedDir(sources[sources.length - 1]?.meta ?? EMPTY_ROOT_META, sources);
    this.contentBytes = layers.reduce((sum, layer) => sum + layer.contentBytes, 0);
  }

  /** The interned stack of `layers` (bottom first). O(layers); the index itself is built lazily. */
  static of(layers: readonly LayerTree[]): LayerStack {
    return layers.reduce<LayerStack>((stack, layer) => stack.push(layer), LayerStack.EMPTY);
  }

  /** The interned stack of these layers with `layer` on top. O(layers) the first time, then O(1). */
  push(layer: LayerTree): LayerStack {
    let next = this.above.get(layer);
    if (next === undefined) {
      next = new LayerStack([...this.layers, layer]);
      this.above.set(layer, next);
    }
    return next;
  }
}
