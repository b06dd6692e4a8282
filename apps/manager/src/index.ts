// @d7y/manager: the control plane. The binary is bin/manager.js (dist/main.js); these exports let
// tests and tools start a manager in-process.
export { startManager, databaseOptionsOf, VERSION } from './main.js';
export type { ManagerDeps, RunningManager } from './main.js';
export { managerConfigSchema, DEFAULT_CONFIG_PATH } from './config/manager-config.js';
export type { ManagerConfig } from './config/manager-config.js';
export { ERROR_CATALOG, ManagerError } from './errors.js';
export type { ManagerErrorCode } from './errors.js';
