/**
 * Time travel routes, declared once (see schema-type.ts for what reads a declaration).
 * A call with an API key acts on that site's clock: its own if it has one, else the sandbox
 * clock, which every site without its own clock shares.
 */
import type { FromSchema } from '../schema-type.js';
import { INSTANT, DURATION, REFUSALS, TIME, TIME_OR_NULL } from './common.js';

const CLOCK_PROPERTIES = {
  clock: { type: 'string', enum: ['sandbox', 'site'], description: "site: the site's own clock; sandbox: the clock every other site shares" },
  site: { type: 'string', nullable: true },
  now: TIME,
  now_ms: { type: 'integer' },
  frozen: { type: 'boolean' },
  scale: { type: 'number', description: 'how many times faster than real time it runs' },
  pending_jobs: { type: 'integer', description: 'timers waiting on this clock (expiry, clearing, notifications...)' },
  next_job_at: TIME_OR_NULL,
} as const;
const CLOCK_REQUIRED = ['clock', 'site', 'now', 'now_ms', 'frozen', 'scale', 'pending_jobs', 'next_job_at'] as const;

export const CLOCK_SCHEMA = { title: 'Clock', type: 'object', required: CLOCK_REQUIRED, properties: CLOCK_PROPERTIES } as const;

export const ADVANCED_CLOCK_SCHEMA = {
  title: 'AdvancedClock',
  type: 'object',
  required: [...CLOCK_REQUIRED, 'from', 'fired'],
  properties: { ...CLOCK_PROPERTIES, from: { ...TIME, description: 'where the clock was' }, fired: { type: 'integer', description: 'timers that fired on the way' } },
} as const;

const SCALE = { type: 'number', description: 'above 0 and at most the --time-scale limit (1 = real time, 3600 = an hour a second)' } as const;

export const READ_CLOCK = {
  summary: "Read the clock of the call's site (its own clock, else the sandbox clock)",
  tags: ['time'],
  response: { 200: CLOCK_SCHEMA, ...REFUSALS },
} as const;

export const LIST_CLOCKS = {
  summary: 'The sandbox clock and every site clock',
  tags: ['time'],
  site: 'none',
  response: { 200: { type: 'object', required: ['clocks'], properties: { clocks: { type: 'array', items: CLOCK_SCHEMA } } }, ...REFUSALS },
} as const;

export const ADVANCE_CLOCK = {
  summary: 'Advance the clock by a duration or to an instant',
  description: 'Everything due on the way fires in order before the call answers: expiry, uncleared completion, webhook attempts and retries, refund settlement, Second Chance. Send exactly one of `by` and `to`.',
  tags: ['time'],
  body: { type: 'object', additionalProperties: false, properties: { by: DURATION, to: INSTANT } },
  response: { 200: ADVANCED_CLOCK_SCHEMA, ...REFUSALS },
} as const;

export const FREEZE_CLOCK = { summary: 'Stop the clock (it moves only when advanced)', tags: ['time'], response: { 200: CLOCK_SCHEMA, ...REFUSALS } } as const;
export const UNFREEZE_CLOCK = { summary: 'Let the clock run again at its scale', tags: ['time'], response: { 200: CLOCK_SCHEMA, ...REFUSALS } } as const;

export const SCALE_CLOCK = {
  summary: 'Set how many times faster than real time the clock runs',
  tags: ['time'],
  body: { type: 'object', required: ['scale'], additionalProperties: false, properties: { scale: SCALE } },
  response: { 200: CLOCK_SCHEMA, ...REFUSALS },
} as const;

export const OWN_CLOCK = {
  summary: "Give the call's site a clock of its own",
  description: 'The site travels in time without moving other sites. Starts at the sandbox clock unless `start` is given. Answers 201 when created, 200 when it existed.',
  tags: ['time'],
  site: 'required',
  body: { type: 'object', additionalProperties: false, properties: { start: INSTANT, scale: SCALE, frozen: { type: 'boolean' } } },
  response: { 200: CLOCK_SCHEMA, 201: CLOCK_SCHEMA, ...REFUSALS },
} as const;

export const DROP_OWN_CLOCK = {
  summary: "Drop the site's own clock; its timers go back to the sandbox clock",
  tags: ['time'],
  site: 'required',
  response: {
    200: { title: 'DroppedClock', type: 'object', required: ['removed', ...CLOCK_REQUIRED], properties: { removed: { type: 'boolean', description: 'false when the site had no clock of its own' }, ...CLOCK_PROPERTIES } },
    ...REFUSALS,
  },
} as const;

export type ClockView = FromSchema<typeof CLOCK_SCHEMA>;
export type AdvancedClock = FromSchema<typeof ADVANCED_CLOCK_SCHEMA>;
