/**
 * The TypeScript type a JSON Schema (written `as const`) describes, for the subset the control
 * plane's schemas use: string/number/integer/boolean, enum, nullable, array, object with
 * required, oneOf. One declaration then serves Fastify's validation, the served OpenAPI and
 * the typed client, so the three cannot drift. Types only: nothing of it exists at run time.
 */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ObjectOf<P, S> = S extends { required: readonly (infer R)[] }
  ? Simplify<{ -readonly [K in keyof P as K extends R ? K : never]: FromSchema<P[K]> } & { -readonly [K in keyof P as K extends R ? never : K]?: FromSchema<P[K]> }>
  : Simplify<{ -readonly [K in keyof P]?: FromSchema<P[K]> }>;

type NonNull<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { oneOf: readonly (infer O)[] }
    ? FromSchema<O>
    : S extends { type: 'string' }
      ? string
      : S extends { type: 'integer' | 'number' }
        ? number
        : S extends { type: 'boolean' }
          ? boolean
          : S extends { type: 'array'; items: infer I }
            ? Array<FromSchema<I>>
            : S extends { type: 'object'; properties: infer P }
              ? ObjectOf<P, S>
              : unknown;

export type FromSchema<S> = S extends { nullable: true } ? NonNull<S> | null : NonNull<S>;
