export { proxyConfigSchema, type ProxyConfig, type ProxyRuleConfig } from './proxy-config.js';
export { ProxyServer, DEFAULT_PROXY_LIMITS, type ProxyServerDeps, type ProxyLimits, type ProxyObserver } from './proxy-server.js';
export type { ProxyTaskSource, ProxyTask, ProxyTaskRequest, ByteRange } from './proxy-tasks.js';
export { TaskManagerAdapter, type TaskManagerAdapterDeps } from './task-manager-adapter.js';
export { loadProxyCa, PROXY_CA_FILES } from './proxy-ca.js';
