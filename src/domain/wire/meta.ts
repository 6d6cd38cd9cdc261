/** The control API's own entry point and its OpenAPI document (declared once; see schema-type.ts). */
import { REFUSALS } from './common.js';

export const ENTRY = {
  summary: 'Entry point: name of the API and where this document is',
  tags: ['meta'],
  site: 'none',
  response: { 200: { type: 'object', required: ['name', 'openapi'], properties: { name: { type: 'string' }, openapi: { type: 'string', description: 'path of this document' } } }, ...REFUSALS },
} as const;

export const OPENAPI_DOCUMENT = {
  summary: 'This OpenAPI document, generated from the route declarations the sandbox validates with',
  tags: ['meta'],
  site: 'none',
  response: { 200: { type: 'object', required: ['openapi', 'info', 'paths'], additionalProperties: true, properties: { openapi: { type: 'string' }, info: { type: 'object' }, paths: { type: 'object' } } }, ...REFUSALS },
} as const;
