/**
 * Bounds requests in flight: at most `total` overall and `perKey` per receiver. Waiters
 * queue per receiver, so a slow or dead receiver holds at most `perKey` slots, and free slots
 * go round robin over the receivers waiting; a freed slot costs O(receivers waiting), not
 * O(requests waiting), so a backlog of thousands stays cheap. With the default perKey of a
 * quarter of the total, it takes four receivers that never answer to fill every slot, and
 * even then each timeout frees a slot for the next receiver in line.
 */
type Grant = (release: () => void) => void;

/** A FIFO that does not shift an array on every take. */
class Queue {
  private items: Grant[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(g: Grant): void {
    this.items.push(g);
  }
  take(): Grant | undefined {
    const g = this.items[this.head];
    this.items[this.head++] = undefined as unknown as Grant;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return g;
  }
}

export class Limiter {
  private active = 0;
  private waiting = 0;
  private readonly perKeyActive = new Map<string, number>();
  /** Receivers with waiters, in the order they started waiting (Map keeps insertion order). */
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly total: number,
    private readonly perKey: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting;
  }

  acquire(key: string): Promise<() => void> {
    return new Promise((grant) => {
      let q = this.queues.get(key);
      if (!q) {
        q = new Queue();
        this.queues.set(key, q);
      }
      q.push(grant);
      this.waiting++;
      this.pump();
    });
  }

  /**
   * Grant free slots one at a time, round robin over the receivers that wait: a receiver that
   * got a slot goes to the back, so a slot freed by a hanging receiver's timeout goes to the
   * next receiver in line, not back to the hanging one (whose queue may be long).
   */
  private pump(): void {
    let granted = true;
    while (granted && this.active < this.total) {
      granted = false;
      for (const [key, q] of this.queues) {
        if ((this.perKeyActive.get(key) ?? 0) >= this.perKey) continue;
        const grant = q.take()!;
        this.waiting--;
        this.queues.delete(key);
        if (q.size > 0) this.queues.set(key, q);
        this.start(key, grant);
        granted = true;
        break;
      }
    }
  }

  private start(key: string, grant: Grant): void {
    this.active++;
    this.perKeyActive.set(key, (this.perKeyActive.get(key) ?? 0) + 1);
    let released = false;
    grant(() => {
      if (released) return;
      released = true;
      this.active--;
      const n = (this.perKeyActive.get(key) ?? 1) - 1;
      if (n === 0) this.perKeyActive.delete(key);
      else this.perKeyActive.set(key, n);
      this.pump();
    });
  }
}
