/**
 * Timed work as data. A job is a record in the store ({site, kind, due, data}) plus a
 * timer on the site's clock; a durable store therefore brings pending work back after a
 * restart. Handlers are registered per kind by whoever owns that work (engine, webhook
 * dispatcher, refunds, Second Chance).
 */
import type { SandboxClock } from './clock.js';
import type { Collection, Store } from './store.js';

export interface JobRecord {
  readonly id: string;
  readonly site: string;
  readonly kind: string;
  readonly due: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export type JobHandler = (job: JobRecord) => void | Promise<void>;

export class JobScheduler {
  private readonly handlers = new Map<string, JobHandler>();
  /** One function for every timer (not a closure per job): the clock passes the job's id. */
  private readonly fireById = (id: string): Promise<void> => this.fire(id);
  private readonly jobs: Collection<JobRecord>;

  constructor(
    private readonly store: Store,
    private readonly clockFor: (site: string) => SandboxClock,
  ) {
    this.jobs = store.collection<JobRecord>('jobs');
  }

  handle(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`a handler for job kind ${kind} is already registered`);
    this.handlers.set(kind, handler);
  }

  /** Schedule (or reschedule, same id) a job. */
  schedule(job: JobRecord): JobRecord {
    const old = this.jobs.get(job.id);
    if (old) this.clockFor(old.site).cancel(old.id);
    this.store.transaction(() => this.jobs.set(job.id, job));
    this.arm(job);
    return job;
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    this.clockFor(job.site).cancel(id);
    this.store.transaction(() => this.jobs.delete(id));
    return true;
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  list(filter: (j: JobRecord) => boolean = () => true): JobRecord[] {
    return [...this.jobs.values()].filter(filter).sort((a, b) => a.due - b.due);
  }

  /** Put every stored job on its clock: at start (durable store) or after a site's clock changed. */
  rearm(filter: (j: JobRecord) => boolean = () => true): void {
    // In due order: each lands at the end of the clock's sorted queue (cheap for 100k jobs).
    for (const job of this.list(filter)) this.arm(job);
  }

  /** Take a site's jobs off whatever clock holds them (before that site's clock is replaced). */
  disarm(site: string, clock: SandboxClock): void {
    for (const job of this.jobs.values()) if (job.site === site) clock.cancel(job.id);
  }

  private arm(job: JobRecord): void {
    this.clockFor(job.site).schedule(job.id, job.due, this.fireById);
  }

  private async fire(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) return;
    this.store.transaction(() => this.jobs.delete(id));
    const handler = this.handlers.get(job.kind);
    if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
    await handler(job);
  }
}
