/**
 * Fastify loads Ajv and fast-json-stringify whenever an app is made, even though no sandbox
 * route declares a JSON schema; loading them was about a quarter of the start-up time. These
 * factories stand in for Fastify's defaults and load the very same compilers (resolved from
 * Fastify's own dependencies) the first time a route with a schema is compiled, if ever.
 * One difference: Fastify then counts the validator as custom and no longer lower-cases the
 * property names of a `headers` schema, so write header names in lower case there.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<Factories['buildValidator']>;
type SerializerFactory = NonNullable<Factories['buildSerializer']>;

/** A `require` that resolves modules as Fastify itself does. */
function fastifyRequire(id: string): unknown {
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve('fastify'))(id);
}

/** Fastify's default compilers, loaded on first use. A fresh pair per app: no shared state. */
export function lazyCompilers(): Required<Factories> {
  let validator: ValidatorFactory | null = null;
  let serializer: SerializerFactory | null = null;
  return {
    buildValidator: (externalSchemas, ajvOptions) => {
      validator ??= (fastifyRequire('@fastify/ajv-compiler') as () => ValidatorFactory)();
      return validator(externalSchemas, ajvOptions);
    },
    buildSerializer: (externalSchemas, serializerOptions) => {
      serializer ??= (fastifyRequire('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)();
      return serializer(externalSchemas, serializerOptions);
    },
  };
}
