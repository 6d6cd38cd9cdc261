/**
 * Requests Fastify refuses before any route runs: a path that is not valid percent-encoding
 * (`/v1/json/orders/%`) or a path parameter over the router's length limit. Under /v1/json
 * they get MultiSafepay's error envelope like every other API rejection (clients parse
 * error_code/error_info); elsewhere Fastify's usual JSON error.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors.js';

const API_PREFIX = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/v1\/json(?:[/?#]|$)/i;

function explain(err: FastifyError): { http: number; info: string } {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return { http: 414, info: 'a path segment is too long (order ids are at most 50 characters); check the id in the URL' };
  }
  // FST_ERR_BAD_URL (the only other framework error this app can meet: it has no async constraints).
  return { http: 400, info: 'the URL path is not valid percent-encoding; encode ids with encodeURIComponent (a literal % is %25)' };
}

export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const { http, info } = explain(err);
  if (API_PREFIX.test(req.raw.url ?? '')) {
    void reply.code(http).type('application/json; charset=utf-8').send(new ApiError('UNKNOWN', info, http).toEnvelope());
    return;
  }
  void reply.code(http).send({ statusCode: http, code: err.code, error: http === 414 ? 'URI Too Long' : 'Bad Request', message: info });
}
