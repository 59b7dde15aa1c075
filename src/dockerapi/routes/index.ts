/** The full route table of the Docker API, in match order. */
import type { Route } from '../router.js';
import { ATTACH_ROUTES } from './attach.js';
import { CONTAINER_DATA_ROUTES } from './container-data.js';
import { CONTAINER_ROUTES } from './containers.js';
import { IMAGE_ROUTES } from './images.js';
import { NETWORK_ROUTES, VOLUME_ROUTES } from './networks.js';
import { SYSTEM_ROUTES } from './system.js';
import { UNSUPPORTED_ROUTES } from './unsupported.js';

/** Every route: unsupported ones first so their specific paths win over catch-alls (DELETE /images/{name*}). */
export const ROUTES: readonly Route[] = [
  ...SYSTEM_ROUTES,
  ...UNSUPPORTED_ROUTES,
  ...ATTACH_ROUTES,
  ...CONTAINER_ROUTES,
  ...CONTAINER_DATA_ROUTES,
  ...IMAGE_ROUTES,
  ...NETWORK_ROUTES,
  ...VOLUME_ROUTES,
];
