/**
 * Fastify's type provider for the control plane's route declarations (domain/wire/): with it,
 * a route's `req.body`, `req.query` and `req.params` have the types its schema describes, and
 * its handler must return what its `response` schema says. The same FromSchema types the
 * typed client (client/control-client.ts), so server and client read one declaration.
 */
import type { FastifyTypeProvider } from 'fastify';
import type { FromSchema } from '../domain/schema-type.js';

export interface SchemaTypes extends FastifyTypeProvider {
  readonly validator: FromSchema<this['schema']>;
  readonly serializer: FromSchema<this['schema']>;
}
