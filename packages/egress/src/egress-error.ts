/** Why an outbound request was refused or failed. Messages name the URL's host, never credentials. */
export type EgressErrorCode =
  | 'DF_ERR_EGRESS_INVALID_URL'
  | 'DF_ERR_EGRESS_SCHEME_REFUSED'
  | 'DF_ERR_EGRESS_ADDRESS_REFUSED'
  | 'DF_ERR_EGRESS_DNS'
  | 'DF_ERR_EGRESS_INVALID_HEADER'
  | 'DF_ERR_EGRESS_TOO_MANY_REDIRECTS'
  | 'DF_ERR_EGRESS_REDIRECT_REFUSED'
  | 'DF_ERR_EGRESS_BODY_TOO_LARGE'
  | 'DF_ERR_EGRESS_TIMEOUT'
  | 'DF_ERR_EGRESS_TLS'
  | 'DF_ERR_EGRESS_CONNECT'
  | 'DF_ERR_EGRESS_INVALID_RESPONSE'
  | 'DF_ERR_EGRESS_CONFIG';

export class EgressError extends Error {
  readonly code: EgressErrorCode;

  constructor(code: EgressErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EgressError';
    this.code = code;
  }
}

export const isEgressError = (err: unknown): err is EgressError => err instanceof EgressError;
