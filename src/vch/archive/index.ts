/** Images as data (config + layer tars) and the docker-archive (`docker save`/`load`) format. */
export * from './errors.js';
export * from './image.js';
export * from './layer-tar.js';
export * from './docker-archive.js';
