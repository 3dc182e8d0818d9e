export * from './config.js';
export * from './core.js';
