export * from './services.js';
export * from './redis.js';
export * from './postgres.js';
export * from './nats.js';
export * from './scratch-database.js';
export * from './contract-service.js';
export * from './schema-agreement.js';
