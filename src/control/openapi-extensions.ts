/**
 * Descriptions of the control routes other features add as extensions (webhooks,
 * refunds, Second Chance). Kept apart from openapi.ts so the core list stays readable.
 */
import type { RouteDoc } from './openapi.js';

export const EXTENSION_DOCS: Record<string, RouteDoc> = {};
