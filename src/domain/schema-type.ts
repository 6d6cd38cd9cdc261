/**
 * The TypeScript type a JSON Schema (written `as const`) describes, for the subset the control
 * plane's schemas use: string/number/integer/boolean, enum, const, nullable, array, object with
 * required and additionalProperties, oneOf and anyOf, and `{}` (anything). One declaration then serves
 * Fastify's validation, the served OpenAPI and the typed client, so the three cannot drift.
 * Types only: nothing of it exists at run time.
 */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ObjectOf<P, S> = S extends { required: readonly (infer R)[] }
  ? Simplify<{ -readonly [K in keyof P as K extends R ? K : never]: FromSchema<P[K]> } & { -readonly [K in keyof P as K extends R ? never : K]?: FromSchema<P[K]> }>
  : Simplify<{ -readonly [K in keyof P]?: FromSchema<P[K]> }>;

/** Extra keys an object schema allows besides its properties. */
type Extra<S> = S extends { additionalProperties: infer A } ? (A extends false ? unknown : A extends true ? Record<string, unknown> : Record<string, FromSchema<A>>) : unknown;

type NonNull<S> = S extends { const: infer C }
  ? C
  : S extends { enum: readonly (infer E)[] }
    ? E
    : S extends { oneOf: readonly (infer O)[] } | { anyOf: readonly (infer O)[] }
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
                ? ObjectOf<P, S> & Extra<S>
                : S extends { type: 'object'; additionalProperties: infer A }
                  ? A extends false ? Record<string, never> : A extends true ? Record<string, unknown> : Record<string, FromSchema<A>>
                  : S extends { type: 'object' }
                    ? Record<string, unknown>
                    : unknown;

export type FromSchema<S> = S extends { nullable: true } ? NonNull<S> | null : NonNull<S>;

/**
 * One control route, declared once: Fastify validates `params`, `querystring` and `body` with
 * it, the served OpenAPI document is generated from it (control/openapi.ts), and the typed
 * client's types come from it (`ReplyOf`, `BodyOf`, `QueryOf`). Fastify ignores the keys it
 * does not know (summary, tags, site...), as it does for @fastify/swagger.
 */
export interface ControlRouteSchema {
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** An alias kept for one minor version; the description names what replaces it. */
  readonly deprecated?: boolean;
  /**
   * How the call names a site (the `api_key` header, `?api_key=` or `Authorization: Bearer`):
   * optional (default: without one the call acts sandbox-wide), required, or none.
   */
  readonly site?: 'optional' | 'required' | 'none';
  /** Media type of the success answer when it is not JSON (the event stream). */
  readonly produces?: string;
  readonly params?: object;
  readonly querystring?: object;
  readonly body?: object;
  readonly response: Readonly<Record<number | string, object>>;
}

type SuccessCode = 200 | 201;

/** What a route answers when it succeeds. */
export type ReplyOf<R extends { response: object }> = FromSchema<R['response'][Extract<keyof R['response'], SuccessCode>]>;
/** What a route takes as its JSON body. */
export type BodyOf<R> = R extends { body: infer B } ? FromSchema<B> : never;
/** What a route takes as its query. */
export type QueryOf<R> = R extends { querystring: infer Q } ? FromSchema<Q> : never;
