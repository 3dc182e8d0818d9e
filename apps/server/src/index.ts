export { startPlatform, loadPlatformConfig, type Platform, type PlatformOptions } from './platform.js';
export { placeModules, type Placement } from './placement.js';
export { platformModules, moduleNames } from './modules.js';
