export { EgressClient, type EgressClientOptions, type EgressRequestOptions, type EgressResponse, type EgressWarnLogger } from './egress-client.js';
export { EgressPolicy, type EgressDecision } from './egress-policy.js';
export { EgressError, isEgressError, type EgressErrorCode } from './egress-error.js';
export { egressTlsOptions, readCaCert, type EgressTlsConfig, type EgressTlsOptions } from './egress-tls.js';
export { classifyAddress, classifyAddressText, type AddressKind, type AddressClass } from './address-class.js';
export { parseIp, formatIp, type IpAddress } from './ip-address.js';
export { checkHeaders } from './header-check.js';
export { guardedConnector, resolveAllowed, systemLookup, type LookupFn } from './guarded-connector.js';
export { guardedAgent, type GuardedAgentOptions } from './guarded-agent.js';
