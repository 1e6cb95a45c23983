/**
 * Renders every error as ProblemDetails (NGSI-LD 5.5.2, errors.md §1): application/json,
 * no Link header; 411 and 415 without a body. Unknown errors become InternalError with the
 * stack logged, never sent.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  badRequestData,
  internalError,
  invalidRequest,
  isProblemDetails,
  lengthRequired,
  payloadTooLarge,
  resourceNotFound,
  unsupportedMediaType,
  type ProblemDetails,
} from '../../ngsi-ld/problem-details.js';

const NO_BODY_STATUSES = new Set([411, 415]);

/** Maps Fastify's own errors (body parsing, limits, routing) onto our catalogue. */
function fromFastifyError(error: FastifyError): ProblemDetails | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge('The request body is larger than the configured limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType('Unsupported Content-Type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidRequest('The request body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequestData('Content-Length does not match the body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidRequest(error.message);
    case 'FST_ERR_BAD_URL':
      return badRequestData('The URL is malformed');
    default:
      break;
  }
  if (error.statusCode === 411) return lengthRequired('Content-Length is required');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return badRequestData(error.message);
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, problem: ProblemDetails): void {
  reply.status(problem.status);
  reply.removeHeader('Link');
  if (NO_BODY_STATUSES.has(problem.status)) {
    reply.send();
    return;
  }
  reply.type('application/json').send(problem.toJSON());
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isProblemDetails(error)) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      sendProblem(reply, error);
      return;
    }
    const mapped = fromFastifyError(error);
    if (mapped) {
      sendProblem(reply, mapped);
      return;
    }
    request.log.error({ err: error }, 'unexpected error');
    sendProblem(reply, internalError('An unexpected error occurred; it has been logged'));
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    sendProblem(
      reply,
      resourceNotFound(`No resource at ${request.method} ${request.url.split('?')[0]}`),
    );
  });
}
