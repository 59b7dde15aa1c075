/**
 * `vicsim/testing`: fast-check arbitraries for inventories and VM specs, model invariants, and a
 * model-based test runner you can aim at any Backend.
 */
export * from './arbitraries.js';
export * from './invariants.js';
export * from './commands.js';
