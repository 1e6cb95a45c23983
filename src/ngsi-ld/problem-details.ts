/**
 * The one error type of Civis (RFC 7807 ProblemDetails with the NGSI-LD error type URIs,
 * NGSI-LD 5.5.2 / 6.3.2). Every layer throws these; the HTTP layer renders them.
 */
const NGSI_LD_ERRORS = 'https://uri.etsi.org/ngsi-ld/errors/';
const CIVIS_ERRORS = 'https://civis.city/errors/';

export type ProblemExtras = Record<string, unknown>;

export class ProblemDetails extends Error {
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly status: number;
  readonly instance: string | undefined;
  readonly extras: ProblemExtras | undefined;

  constructor(init: {
    type: string;
    title: string;
    detail: string;
    status: number;
    instance?: string;
    extras?: ProblemExtras;
  }) {
    super(init.detail);
    this.name = 'ProblemDetails';
    this.type = init.type;
    this.title = init.title;
    this.detail = init.detail;
    this.status = init.status;
    this.instance = init.instance;
    this.extras = init.extras;
  }

  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      title: this.title,
      detail: this.detail,
      status: this.status,
      ...(this.instance === undefined ? {} : { instance: this.instance }),
      ...this.extras,
    };
  }
}

function ngsiLd(name: string, title: string, status: number) {
  return (detail: string, instance?: string): ProblemDetails =>
    new ProblemDetails({ type: NGSI_LD_ERRORS + name, title, detail, status, instance });
}

function civis(name: string, title: string, status: number) {
  return (detail: string, instance?: string): ProblemDetails =>
    new ProblemDetails({ type: CIVIS_ERRORS + name, title, detail, status, instance });
}

/** Body is not valid JSON, or the request is syntactically broken. */
export const invalidRequest = ngsiLd('InvalidRequest', 'Invalid request', 400);
/** Valid JSON, invalid NGSI-LD content (ids, names, values, parameters, q/geoQ syntax…). */
export const badRequestData = ngsiLd('BadRequestData', 'Bad request data', 400);
export const alreadyExists = ngsiLd('AlreadyExists', 'Already exists', 409);
export const operationNotSupported = ngsiLd(
  'OperationNotSupported',
  'Operation not supported',
  422,
);
export const resourceNotFound = ngsiLd('ResourceNotFound', 'Resource not found', 404);
export const internalError = ngsiLd('InternalError', 'Internal error', 500);
export const tooComplexQuery = ngsiLd('TooComplexQuery', 'Query too complex', 403);
export const tooManyResults = ngsiLd('TooManyResults', 'Too many results', 403);
export const ldContextNotAvailable = ngsiLd('LdContextNotAvailable', '@context not available', 504);
export const nonexistentTenant = ngsiLd('NonexistentTenant', 'Tenant not found', 404);
export const noMultiTenantSupport = ngsiLd('NoMultiTenantSupport', 'No multi-tenant support', 501);

/** HTTP-level errors without an NGSI-LD type of their own (documented in docs/errors.md). */
export const unauthorized = civis('Unauthorized', 'Unauthorized', 401);
export const methodNotAllowed = civis('MethodNotAllowed', 'Method not allowed', 405);
export const notAcceptable = civis('NotAcceptable', 'Not acceptable', 406);
export const lengthRequired = civis('LengthRequired', 'Length required', 411);
export const payloadTooLarge = civis('PayloadTooLarge', 'Request body too large', 413);
export const unsupportedMediaType = civis('UnsupportedMediaType', 'Unsupported media type', 415);
export const notImplemented = civis('NotImplemented', 'Not implemented', 501);
export const serviceUnavailable = civis('ServiceUnavailable', 'Service unavailable', 503);

/** The ingest queue is full (docs/ingest.md): the device should retry after the pause given. */
export function ingestSaturated(detail: string, retryAfterSeconds = 1): ProblemDetails {
  return new ProblemDetails({
    type: CIVIS_ERRORS + 'IngestSaturated',
    title: 'Ingest saturated',
    detail,
    status: 503,
    extras: { retryAfterSeconds },
  });
}

export function isProblemDetails(error: unknown): error is ProblemDetails {
  return error instanceof ProblemDetails;
}
