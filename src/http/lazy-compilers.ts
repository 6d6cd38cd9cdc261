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

/** A `require` that resolves modules as Fastify itself does (its Ajv compiler, its serializer). */
export function fastifyRequire(id: string): unknown {
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve('fastify'))(id);
}

type Validate = ((data: unknown) => unknown) & { errors?: unknown };

/**
 * A stand-in validator that compiles the real one on its first call, then only delegates.
 * Fastify asks for every route's validator when the app gets ready; compiling them all then
 * would load Ajv at start-up for routes a run may never call.
 */
export function compiledOnFirstUse<V extends Validate>(compile: () => V): V {
  let real: V | null = null;
  const validate = ((data: unknown) => {
    real ??= compile();
    const result = real(data);
    // Fastify reads a failed validation's errors from the function it was given.
    validate.errors = real.errors;
    return result;
  }) as V;
  return validate;
}

/** Fastify's default compilers, loaded on first use. A fresh pair per app: no shared state. */
export function lazyCompilers(): Required<Factories> {
  let validator: ValidatorFactory | null = null;
  let serializer: SerializerFactory | null = null;
  return {
    buildValidator: (externalSchemas, ajvOptions) => {
      let compile: ReturnType<ValidatorFactory> | null = null;
      return (route) =>
        compiledOnFirstUse(() => {
          validator ??= (fastifyRequire('@fastify/ajv-compiler') as () => ValidatorFactory)();
          compile ??= validator(externalSchemas, ajvOptions);
          return compile(route) as ReturnType<ReturnType<ValidatorFactory>> & Validate;
        });
    },
    buildSerializer: (externalSchemas, serializerOptions) => {
      serializer ??= (fastifyRequire('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)();
      return serializer(externalSchemas, serializerOptions);
    },
  };
}
