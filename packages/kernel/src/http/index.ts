export * from './server.js';
export * from './authorize.js';
export * from './problem-handler.js';
export * from './shutdown.js';
export * from './platform-routes.js';
export { drainingHeader } from './draining.js';
