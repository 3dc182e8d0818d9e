export * from './principal.js';
export * from './assertion.js';
