export { createSchedulerApp, type SchedulerApp, type SchedulerAppDeps } from './app.js';
export { schedulerConfigSchema, DEFAULT_CONFIG_PATH, type SchedulerConfig } from './config/config.js';
export { SCHEDULER_ERRORS, SchedulerError, type SchedulerErrorCode } from './errors.js';
