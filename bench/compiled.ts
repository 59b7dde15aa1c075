/**
 * The compiled package (dist/, which `npm run bench` builds first) for the cases that measure what
 * a user runs: `vicsim plan` and `vicsim sweep`, and programs importing the library, run compiled
 * JavaScript. The TypeScript loader the bench runs under keeps function names by inserting a
 * helper call per closure created, which costs 3–25% on the hot paths measured here.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The URL of module `path` of the compiled package, e.g. `capacity/runner/index.js`. */
export function compiledUrl(path: string): string {
  return pathToFileURL(resolve(import.meta.dirname, '../dist', path)).href;
}
