/**
 * Bounds requests in flight: at most `total` overall and `perKey` per receiver. A waiter
 * whose receiver is saturated is passed over, so a slow or dead receiver holds at most
 * `perKey` slots and never starves notifications to other receivers.
 */
interface Waiter {
  key: string;
  grant: (release: () => void) => void;
}

export class Limiter {
  private active = 0;
  private readonly perKeyActive = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly total: number,
    private readonly perKey: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  acquire(key: string): Promise<() => void> {
    return new Promise((grant) => {
      this.waiting.push({ key, grant });
      this.pump();
    });
  }

  private canRun(key: string): boolean {
    return this.active < this.total && (this.perKeyActive.get(key) ?? 0) < this.perKey;
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.active < this.total; ) {
      const w = this.waiting[i]!;
      if (!this.canRun(w.key)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.active++;
      this.perKeyActive.set(w.key, (this.perKeyActive.get(w.key) ?? 0) + 1);
      let released = false;
      w.grant(() => {
        if (released) return;
        released = true;
        this.active--;
        const n = (this.perKeyActive.get(w.key) ?? 1) - 1;
        if (n === 0) this.perKeyActive.delete(w.key);
        else this.perKeyActive.set(w.key, n);
        this.pump();
      });
    }
  }
}
