import { EgressError } from './egress-error.js';

// RFC 9110 token characters for field names; values may hold visible ASCII, spaces, tabs and
// obs-text, never CR, LF or NUL (those would split the request: header injection).
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Hop-by-hop and framing headers a caller may not set: the client owns the connection and body. */
const RESERVED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'upgrade', 'te', 'keep-alive', 'proxy-connection', 'trailer']);

/** Throws DF_ERR_EGRESS_INVALID_HEADER naming the first bad header (never its value). */
export function checkHeaders(headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!FIELD_NAME.test(name)) throw new EgressError('DF_ERR_EGRESS_INVALID_HEADER', `header name ${JSON.stringify(name.slice(0, 64))} is not a valid HTTP token`);
    if (typeof value !== 'string' || !FIELD_VALUE.test(value)) {
      throw new EgressError('DF_ERR_EGRESS_INVALID_HEADER', `header ${name} holds CR, LF, NUL or another control character`);
    }
    if (RESERVED.has(name.toLowerCase())) throw new EgressError('DF_ERR_EGRESS_INVALID_HEADER', `header ${name} may not be set by the caller`);
  }
}
