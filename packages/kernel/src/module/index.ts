export * from './contract.js';
export * from './routes.js';
export * from './client.js';
export * from './http-transport.js';
export * from './inject-transport.js';
export * from './define-module.js';
