/**
 * The generation tree behind every memory pool: images, layers, reference counts and counters.
 * How pages are stored in a layer is left to a subclass (extents, or one tag per page).
 *
 * Structure. A *layer* holds the pages written into it. A writable image owns one writable layer on top
 * of a chain of *sealed generations*. A fork of a running image seals its layer (the generation both
 * sides now share) and gives each side a fresh layer over it: depth + 1 on both sides. Freezing seals
 * an image's layer as a template generation that the image itself references; a fork of a frozen
 * template only adds a layer over that generation (depth unchanged: 1 for a template frozen fresh).
 *
 * Semantics of destroy (reference counts). A sealed generation counts its users: child layers, child
 * generations, and the frozen image itself. Destroying an image frees its writable layer and drops one
 * reference; a generation at zero references is freed and drops one reference on its own parent, so
 * shared pages live until their last user goes. A generation left with one user that is a writable
 * layer or an unshared template is folded into that user (its chain gets one level shorter): pages the
 * user had overwritten are freed, the others become the user's private pages. A generation left with
 * one user that is itself shared stays as it is, a level in the chain, as a redo log does. Pages of a
 * shared generation that every user has overwritten stay allocated until the generation folds or dies.
 *
 * Counting. An image's private pages are those only it can reach: its writable layer, or its frozen
 * generation while no clone references it. Every page it reads from another generation is shared:
 * such a generation has two or more users, or its single user is a shared generation.
 * Every operation is O(1) here apart from the layer work the subclass does.
 */
import { DEFAULT_CALIBRATION } from '../sim/calibration.js';
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../sim/errors.js';
import { GenerationLimitError } from './errors.js';
import type { ImageCounters, ImageId, MemoryImages, MemoryPoolOptions, PoolCounters, PoolMode, RunVisitor } from './types.js';
import { Float64Table, Int32Table } from './tables.js';
import { PoolTally } from './tally.js';
import { writeByteRange } from './byte-range.js';

/** Kinds of a layer slot, as stored in the `kind` column. */
export const LayerKind = { Free: 0, Writable: 1, Sealed: 2 } as const;

/** Common part of both memory pool modes. */
export abstract class GenerationTree implements MemoryImages {
  abstract readonly mode: PoolMode;
  readonly granuleBytes: number;
  readonly #warnAbove: number;
  readonly #failAt: number;
  readonly #onWarning: ((image: ImageId, depth: number) => void) | undefined;

  /** Layer tables, indexed by layer id. `users` is the XOR of the user ids (the sole user when refs = 1). */
  protected readonly parent = new Int32Table(-1);
  protected readonly kind = new Int32Table(LayerKind.Free);
  protected readonly refs = new Int32Table(0);
  readonly #users = new Int32Table(0);
  /** Image owning a writable layer or a frozen template's generation; -1 otherwise. */
  protected readonly owner = new Int32Table(-1);
  protected readonly nonZero = new Float64Table();
  readonly #freeLayers: number[] = [];
  #layerHigh = 0;

  /** Image tables, indexed by image id. `top` is -1 for a free slot. */
  protected readonly top = new Int32Table(-1);
  readonly #depth = new Int32Table(0);
  protected readonly pageCount = new Float64Table();
  readonly #inherited = new Float64Table();
  readonly #frozen = new Int32Table(0);
  readonly #freeImages: number[] = [];
  #imageHigh = 0;

  readonly #tally = new PoolTally();
  #nextTag = 1;

  /** Results of the last layer operation, set by the subclass. */
  protected coveredNonZero = 0;
  protected inheritedNonZero = 0;
  protected shadowedNonZero = 0;
  protected movedNonZero = 0;

  constructor(options: MemoryPoolOptions = {}) {
    const calibration = options.calibration ?? DEFAULT_CALIBRATION;
    const granule = options.granuleBytes ?? (options.largePages ? calibration.memory.largePageSize : calibration.memory.pageSize);
    if (!Number.isSafeInteger(granule) || granule < 1) {
      throw new InvalidArgumentError('granuleBytes', `granule must be a positive integer of bytes, got ${granule}`);
    }
    this.granuleBytes = granule;
    this.#warnAbove = calibration.cloneGenerations.warnAbove;
    this.#failAt = calibration.cloneGenerations.failAt;
    this.#onWarning = options.onGenerationWarning;
  }

  /**
   * Writes `tag` into pages [first, end) of writable layer `layer` (of an image of `pages` pages) and
   * sets `coveredNonZero` (non-zero pages the layer held there before) and `inheritedNonZero`
   * (non-zero pages of the range it did not hold and read through its parents).
   */
  protected abstract overwriteLayer(layer: number, first: number, end: number, tag: number, pages: number): void;
  /** The tag layer `layer` holds at `page`, or -1 if it holds nothing there. */
  protected abstract tagInLayer(layer: number, page: number): number;
  /**
   * Folds generation `upper` into its child `lower`: lower keeps its pages and gains upper's others.
   * Sets `shadowedNonZero` (upper's non-zero pages lower hid, now freed) and `movedNonZero`.
   */
  protected abstract foldLayer(upper: number, lower: number): void;
  /** Releases whatever the layer's pages use. */
  protected abstract dropLayer(layer: number): void;
  /** Calls `visit(start, end, tag)` for the layer's runs of one non-zero tag, in page order. */
  protected abstract visitRuns(layer: number, visit: (start: number, end: number, tag: number) => void): void;

  /** Highest layer id ever handed out, plus one (for audits). */
  protected get layerHigh(): number {
    return this.#layerHigh;
  }

  /** Highest image id ever handed out, plus one (for audits). */
  protected get imageHigh(): number {
    return this.#imageHigh;
  }

  create(pages: number): ImageId {
    if (!Number.isSafeInteger(pages) || pages < 1) throw new InvalidArgumentError('pages', `an image needs a whole number ≥ 1 of pages, got ${pages}`);
    const image = this.#newImage(pages, 0, 0);
    this.top.set(image, this.#newLayer(-1, image));
    return image;
  }

  createBytes(bytes: number): ImageId {
    if (!(bytes > 0) || !Number.isSafeInteger(Math.ceil(bytes))) throw new InvalidArgumentError('bytes', `memory size must be > 0 bytes, got ${bytes}`);
    return this.create(Math.ceil(bytes / this.granuleBytes));
  }

  fork(source: ImageId): ImageId {
    this.#check(source);
    const child = this.#frozen.get(source) ? this.#forkTemplate(source) : this.#forkRunning(source);
    this.#tally.forks++;
    return child;
  }

  freeze(image: ImageId): void {
    this.#check(image);
    if (this.#frozen.get(image)) throw new InvalidStateError('InvalidState', `memory image ${image}`, 'frozen', `memory image ${image} is already frozen`);
    const depth = this.#deepen(image);
    const layer = this.top.get(image);
    this.kind.set(layer, LayerKind.Sealed);
    this.refs.set(layer, 1);
    this.#users.set(layer, layer);
    this.#tally.references++;
    this.#tally.generations++;
    this.#frozen.set(image, 1);
    this.#depth.set(image, depth);
  }

  write(image: ImageId, first: number, count: number, content?: number): number {
    this.#checkWritable(image, first, count, content);
    const tag = content ?? this.#nextTag++;
    this.#apply(image, first, count, tag);
    return tag;
  }

  writeZero(image: ImageId, first: number, count: number): void {
    this.#checkWritable(image, first, count);
    this.#apply(image, first, count, 0);
  }

  writeBytes(image: ImageId, offset: number, length: number, zero = false): void {
    writeByteRange(this, image, offset, length, zero);
  }

  read(image: ImageId, page: number): number {
    this.#check(image);
    if (!Number.isSafeInteger(page) || page < 0 || page >= this.pageCount.get(image)) {
      throw new InvalidArgumentError('page', `page ${page} is outside memory image ${image}`);
    }
    for (let layer = this.top.get(image); layer >= 0; layer = this.parent.get(layer)) {
      const tag = this.tagInLayer(layer, page);
      if (tag >= 0) return tag;
    }
    return 0;
  }

  destroy(image: ImageId): void {
    this.#check(image);
    const layer = this.top.get(image);
    const own = this.nonZero.get(layer);
    this.#tally.mapped -= own + this.#inherited.get(image);
    this.#tally.configured -= this.pageCount.get(image);
    this.#tally.images--;
    this.#tally.changes++;
    this.top.set(image, -1);
    this.#freeImages.push(image);
    if (this.#frozen.get(image)) {
      this.#frozen.set(image, 0);
      this.owner.set(layer, -1);
      if (this.refs.get(layer) === 1) this.#tally.private -= own;
      this.#release(layer, layer);
      return;
    }
    this.#tally.physical -= own;
    this.#tally.private -= own;
    const above = this.parent.get(layer);
    this.#freeLayer(layer);
    if (above >= 0) this.#release(above, layer);
  }

  exists(image: ImageId): boolean {
    return image >= 0 && image < this.#imageHigh && this.top.get(image) >= 0;
  }

  counters(image: ImageId): ImageCounters {
    const residentPages = this.residentPages(image);
    const layer = this.top.get(image);
    const own = this.nonZero.get(layer);
    const frozen = this.#frozen.get(image) === 1;
    const privatePages = !frozen || this.refs.get(layer) === 1 ? own : 0;
    const pages = this.pageCount.get(image);
    return { pages, privatePages, sharedPages: residentPages - privatePages, zeroPages: pages - residentPages, residentPages, depth: this.#depth.get(image), frozen };
  }

  residentPages(image: ImageId): number {
    this.#check(image);
    return this.nonZero.get(this.top.get(image)) + this.#inherited.get(image);
  }

  totals(): PoolCounters {
    return this.#tally.snapshot();
  }

  forEachRun(visit: RunVisitor, image?: ImageId): void {
    if (image !== undefined) this.#check(image);
    const from = image === undefined ? 0 : this.top.get(image);
    for (let layer = from, to = image === undefined ? this.#layerHigh : from + 1; layer < to; layer++) {
      const kind = this.kind.get(layer);
      if (kind === LayerKind.Free) continue;
      const owner = this.owner.get(layer);
      const shared = kind === LayerKind.Sealed && (owner < 0 || this.refs.get(layer) > 1);
      this.visitRuns(layer, (start, end, tag) => visit(start, end, tag, layer, owner, shared));
    }
  }

  #forkTemplate(source: ImageId): ImageId {
    const generation = this.top.get(source);
    const visible = this.nonZero.get(generation) + this.#inherited.get(source);
    const child = this.#newImage(this.pageCount.get(source), this.#depth.get(source), visible);
    const layer = this.#newLayer(generation, child);
    this.top.set(child, layer);
    if (this.refs.get(generation) === 1) this.#tally.private -= this.nonZero.get(generation);
    this.refs.set(generation, this.refs.get(generation) + 1);
    this.#users.set(generation, this.#users.get(generation) ^ layer);
    this.#tally.references++;
    return child;
  }

  #forkRunning(source: ImageId): ImageId {
    const depth = this.#deepen(source);
    const sealed = this.top.get(source);
    const own = this.nonZero.get(sealed);
    this.kind.set(sealed, LayerKind.Sealed);
    this.owner.set(sealed, -1);
    this.refs.set(sealed, 2);
    this.#tally.references += 2;
    this.#tally.generations++;
    this.#tally.private -= own;
    const visible = this.#inherited.get(source) + own;
    this.#inherited.set(source, visible);
    this.#depth.set(source, depth);
    const sourceLayer = this.#newLayer(sealed, source);
    this.top.set(source, sourceLayer);
    const child = this.#newImage(this.pageCount.get(source), depth, visible);
    const childLayer = this.#newLayer(sealed, child);
    this.top.set(child, childLayer);
    this.#users.set(sealed, sourceLayer ^ childLayer);
    return child;
  }

  /** The image's depth plus one, checked against the limits (warning callback above `warnAbove`). */
  #deepen(image: ImageId): number {
    const depth = this.#depth.get(image) + 1;
    if (depth >= this.#failAt) throw new GenerationLimitError(image, depth, this.#failAt);
    if (depth > this.#warnAbove) this.#onWarning?.(image, depth);
    this.#tally.changes++;
    return depth;
  }

  #apply(image: ImageId, first: number, count: number, tag: number): void {
    const layer = this.top.get(image);
    this.overwriteLayer(layer, first, first + count, tag, this.pageCount.get(image));
    const ownDelta = (tag === 0 ? 0 : count) - this.coveredNonZero;
    const inherited = this.inheritedNonZero;
    this.nonZero.set(layer, this.nonZero.get(layer) + ownDelta);
    this.#inherited.set(image, this.#inherited.get(image) - inherited);
    this.#tally.physical += ownDelta;
    this.#tally.private += ownDelta;
    this.#tally.mapped += ownDelta - inherited;
    this.#tally.cowEvents += inherited;
    this.#tally.writes++;
    this.#tally.changes++;
  }

  /** Drops one reference of `user` on `layer`, freeing or folding generations as they empty. */
  #release(layer: number, user: number): void {
    for (;;) {
      const left = this.refs.get(layer) - 1;
      this.refs.set(layer, left);
      this.#users.set(layer, this.#users.get(layer) ^ user);
      this.#tally.references--;
      if (left === 1) this.#settleSingleUser(layer);
      if (left > 0) return;
      this.#tally.physical -= this.nonZero.get(layer);
      this.#tally.generations--;
      const above = this.parent.get(layer);
      this.#freeLayer(layer);
      if (above < 0) return;
      user = layer;
      layer = above;
    }
  }

  /** A generation just fell to one user: a template's pages turn private; a lone child absorbs it. */
  #settleSingleUser(generation: number): void {
    if (this.owner.get(generation) >= 0) {
      this.#tally.private += this.nonZero.get(generation);
      this.#foldAbove(generation);
      return;
    }
    const user = this.#users.get(generation);
    const unshared = this.kind.get(user) === LayerKind.Writable || (this.refs.get(user) === 1 && this.owner.get(user) >= 0);
    if (!unshared) return;
    this.#fold(generation, user);
    this.#foldAbove(user);
  }

  /** Folds into `lower` every generation above it whose only user it is. */
  #foldAbove(lower: number): void {
    for (let above = this.parent.get(lower); above >= 0 && this.refs.get(above) === 1 && this.owner.get(above) < 0; above = this.parent.get(lower)) {
      this.#fold(above, lower);
    }
  }

  /** Folds generation `upper` into `lower`, an unshared layer of one image. */
  #fold(upper: number, lower: number): void {
    this.foldLayer(upper, lower);
    const moved = this.movedNonZero;
    this.#tally.physical -= this.shadowedNonZero;
    this.#tally.private += moved;
    this.#tally.generations--;
    this.#tally.references--;
    this.nonZero.set(lower, this.nonZero.get(lower) + moved);
    const image = this.owner.get(lower);
    this.#inherited.set(image, this.#inherited.get(image) - moved);
    this.#depth.set(image, this.#depth.get(image) - 1);
    const above = this.parent.get(upper);
    this.parent.set(lower, above);
    if (above >= 0) this.#users.set(above, this.#users.get(above) ^ upper ^ lower);
    this.#freeLayer(upper);
  }

  #newImage(pages: number, depth: number, inherited: number): ImageId {
    const image = this.#freeImages.pop() ?? this.#imageHigh++;
    this.pageCount.set(image, pages);
    this.#depth.set(image, depth);
    this.#inherited.set(image, inherited);
    this.#tally.images++;
    this.#tally.configured += pages;
    this.#tally.mapped += inherited;
    this.#tally.changes++;
    return image;
  }

  #newLayer(parent: number, owner: ImageId): number {
    const layer = this.#freeLayers.pop() ?? this.#layerHigh++;
    this.parent.set(layer, parent);
    this.kind.set(layer, LayerKind.Writable);
    this.owner.set(layer, owner);
    this.refs.set(layer, 0);
    this.#users.set(layer, 0);
    this.nonZero.set(layer, 0);
    this.#tally.layers++;
    return layer;
  }

  #freeLayer(layer: number): void {
    this.dropLayer(layer);
    this.kind.set(layer, LayerKind.Free);
    this.owner.set(layer, -1);
    this.parent.set(layer, -1);
    this.#freeLayers.push(layer);
    this.#tally.layers--;
  }

  #check(image: ImageId): void {
    if (!this.exists(image)) throw new NotFoundError('memory image', String(image));
  }

  #checkWritable(image: ImageId, first: number, count: number, content?: number): void {
    this.#check(image);
    if (content !== undefined && !(Number.isSafeInteger(content) && content > 0 && content < this.#nextTag)) {
      throw new InvalidArgumentError('content', `content ${content} is not a tag this pool handed out`);
    }
    if (this.#frozen.get(image)) {
      throw new InvalidStateError('InvalidState', `memory image ${image}`, 'frozen', `memory image ${image} is a frozen template and cannot be written`);
    }
    const pages = this.pageCount.get(image);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(count) || first < 0 || count < 1 || first + count > pages) {
      throw new InvalidArgumentError('range', `pages [${first}, ${first + count}) are outside memory image ${image} of ${pages} pages`);
    }
  }
}
