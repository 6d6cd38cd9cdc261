/** How a control route is described in the served OpenAPI document (openapi.ts and openapi-extensions.ts share it). */
type Json = Record<string, unknown>;

export interface RouteDoc {
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: Json[];
  requestBody?: Json;
  responses?: Record<string, Json>;
  /** An alias kept for one minor version; the description names what replaces it. */
  deprecated?: boolean;
}
