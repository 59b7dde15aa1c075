/** The guest filesystem: mutable trees, image layers, the union a container sees, and its archives. */
export { FsError } from './types.js';
export type { FileKind, FileStat, FsErrorCode, GuestFs, WriteOptions } from './types.js';
export { FileTree, type FileTreeOptions } from './file-tree.js';
export { LayerTree, layerFromEntries, WHITEOUT_PREFIX, OPAQUE_MARKER } from './layer-tree.js';
export { LayerStack } from './layer-stack.js';
export { UnionFs } from './union-fs.js';
export { BlockIoCounter } from './block-io.js';
export { copyInto, flattenToTree } from './tree-copy.js';
export { MAX_SYMLINKS } from './path-walk.js';
export { pathStat, tarPath, extractTar, exportTar, goFileMode, rfc3339, GO_MODE_DIR, GO_MODE_SYMLINK, type ExtractOptions } from './archive.js';
export { changes, upperSize, lowerSize, rootFsSize } from './changes.js';
export { UnsafeArchivePathError, ArchiveConflictError } from './errors.js';
