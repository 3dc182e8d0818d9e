export { deriveKey } from './derive-key.js';
export { createSecretBox, DecryptionError, secretKeyId } from './secret-box.js';
export type { DecryptionFailure, SecretBox } from './secret-box.js';
export { loadOrCreateSecretKey, parseSecretKey, secretKeyPath, SECRET_KEY_BYTES } from './secret-key.js';
export type { SecretKeyOptions, SecretKeys } from './secret-key.js';
