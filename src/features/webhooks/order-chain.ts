/**
 * Per-key promise chains: work for one key (an order) runs one after another, work for
 * different keys runs side by side. Also tracks everything not yet settled, for shutdown.
 */
export class Chains {
  /** key -> tail of that key's chain. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly active = new Set<Promise<unknown>>();

  /** Run `fn` after everything queued before it for `key`; rejects if `fn` does (the chain goes on). */
  run(key: string, fn: () => Promise<void>): Promise<void> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    this.active.add(tail);
    void tail.then(() => {
      this.active.delete(tail);
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  /** Resolves once everything started so far has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }
}
