/**
 * One step of the engine: a change, the work it starts, then the news of it.
 *
 * Why phases: a listener that starts a transition makes what later listeners see depend on
 * the order they were registered in (a token made inside a payment's listener was on the
 * payment's notification only if the recurring service had registered before the
 * dispatcher). So every change of an order, a token or a notification runs in one step:
 *
 *  1. follow-ups: work a change starts that changes state (a first payment leaves a token,
 *     a rule picks a new order's scenario). They run for every event in turn; the events of
 *     the changes they make join the queue, until none is left. Follow-ups run in the order
 *     of their names, never of their registration, and each reacts to its own events only.
 *  2. settled: work that needs the outcome of the whole step (a notification carries the
 *     order as the step left it, token included). It may change its own records (queue a
 *     notification), never an order.
 *  3. news: listeners hear of every change in the order the changes happened. They only
 *     observe (event stream, dashboard, waits): a change started from one throws.
 *
 * A change made while a step runs joins that step; a change made outside one (a request,
 * a timer, a delivery attempt) runs its own.
 */

export type StepPhase = 'idle' | 'follow-ups' | 'settled' | 'news';
export type StepWork<T> = (item: T) => void;

interface Named<T> {
  readonly name: string;
  readonly run: StepWork<T>;
}

function register<T>(list: Array<Named<T>>, name: string, run: StepWork<T>): () => void {
  if (list.some((w) => w.name === name)) throw new Error(`step work named ${name} is already registered`);
  const entry = { name, run };
  list.push(entry);
  // By name: the order in which features were wired in carries no meaning.
  list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return () => {
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
  };
}

function guarded(what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error(`sofort-sandbox: ${what} failed`, err);
  }
}

export class StepQueue<T> {
  private phase: StepPhase = 'idle';
  private readonly followUps: Array<Named<T>> = [];
  private readonly settlers: Array<Named<T>> = [];
  private pending: T[] = [];
  private news: Array<() => void> = [];

  /** `tell` gives an item's news to the engine's listeners. */
  constructor(private readonly tell: (item: T) => void) {}

  get current(): StepPhase {
    return this.phase;
  }

  onFollowUp(name: string, run: StepWork<T>): () => void {
    return register(this.followUps, name, run);
  }

  onSettled(name: string, run: StepWork<T>): () => void {
    return register(this.settlers, name, run);
  }

  /** Refuse a change where the step forbids it: `order` changes only before the step settled, any change before the news. */
  check(what: 'an order' | 'a token' | 'a notification'): void {
    if (this.phase === 'news') {
      throw new Error(`sofort-sandbox: a listener may not change ${what}; listeners only observe. Start the work from a follow-up (engine.onFollowUp) instead`);
    }
    if (this.phase === 'settled' && what === 'an order') {
      throw new Error('sofort-sandbox: an order may not change once the step settled; start the change from a follow-up (engine.onFollowUp) instead');
    }
  }

  /** An order changed: its follow-ups, settled work and news run now, or later in the step running. */
  changed(item: T): void {
    this.pending.push(item);
    this.news.push(() => this.tell(item));
    if (this.phase === 'idle') this.run();
  }

  /** News of another kind of change (a token, a notification), in its place among the step's news. */
  announce(news: () => void): void {
    this.news.push(news);
    if (this.phase === 'idle') this.run();
  }

  private run(): void {
    try {
      this.phase = 'follow-ups';
      const done: T[] = [];
      for (let item = this.pending.shift(); item !== undefined; item = this.pending.shift()) {
        done.push(item);
        const it = item;
        for (const w of [...this.followUps]) guarded(`follow-up ${w.name}`, () => w.run(it));
      }
      this.phase = 'settled';
      for (const item of done) for (const w of [...this.settlers]) guarded(`step work ${w.name}`, () => w.run(item));
      this.phase = 'news';
      for (let n = this.news.shift(); n !== undefined; n = this.news.shift()) guarded('event listener', n);
    } finally {
      this.phase = 'idle';
      this.pending = [];
      this.news = [];
    }
  }
}
