/** The VCH's image store: VIC's layer disks on a datastore, the image index, pulls, the offline catalog, save/load. */
export * from './layout.js';
export * from './layer-store.js';
export * from './layer-cache.js';
export * from './image-index.js';
export * from './views.js';
export * from './catalog.js';
export * from './pull.js';
export * from './removal.js';
export * from './store-core.js';
export * from './image-store.js';
