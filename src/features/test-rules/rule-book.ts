/**
 * Storage shared by the scenario rules and the failure rules: rules in a store collection
 * (so a durable store keeps them), newest first with a site's own rules before sandbox-wide
 * ones, presets that `reset` restores (msw's handlers and `resetHandlers()`).
 */
import type { Engine } from '../../engine/engine.js';
import type { Collection } from '../../engine/store.js';

export interface BookRule {
  readonly id: string;
  /** API key the rule belongs to; null: every site. */
  readonly site: string | null;
  readonly source: 'control' | 'preset';
  readonly seq: number;
  readonly applied: number;
}

export type RuleFields<R extends BookRule> = Omit<R, 'id' | 'seq' | 'source' | 'applied'>;

export class RuleBook<R extends BookRule> {
  protected readonly rules: Collection<R>;
  protected readonly presets: R[] = [];
  protected seq = 0;

  constructor(
    protected readonly engine: Engine,
    collection: string,
    private readonly idPrefix: string,
  ) {
    this.rules = engine.store.collection<R>(collection);
    for (const r of this.rules.values()) this.seq = Math.max(this.seq, r.seq + 1);
  }

  add(rule: RuleFields<R>, source: 'control' | 'preset' = 'control', id?: string): R {
    const full = { ...rule, id: id ?? this.engine.ids.shortId(this.idPrefix), seq: this.seq++, source, applied: 0 } as unknown as R;
    this.engine.store.transaction(() => this.rules.set(full.id, full));
    return full;
  }

  /** Preset rules are the defaults: loaded at start, restored by reset. A durable store's copy (with its counts) wins. */
  addPreset(rule: RuleFields<R>, id: string): void {
    this.presets.push({ ...rule, id, seq: -1, source: 'preset', applied: 0 } as unknown as R);
    if (!this.rules.has(id)) this.add(rule, 'preset', id);
  }

  /** Rules still pending for a site (its own and sandbox-wide), or all rules; in the order they are tried. */
  list(site: string | null): R[] {
    return [...this.rules.values()]
      .filter((r) => site === null || r.site === null || r.site === site)
      .sort((a, b) => Number(a.site === null) - Number(b.site === null) || b.seq - a.seq);
  }

  get(id: string): R | undefined {
    return this.rules.get(id);
  }

  remove(id: string): boolean {
    return this.engine.store.transaction(() => this.rules.delete(id));
  }

  /** Drop the rules of one site (or all), of those `only` picks, and restore the presets of that scope. */
  reset(site: string | null, only: (r: R) => boolean = () => true): number {
    let removed = 0;
    this.engine.store.transaction(() => {
      for (const r of [...this.rules.values()]) {
        if (site !== null && r.site !== site) continue;
        if (!only(r)) continue;
        this.rules.delete(r.id);
        removed++;
      }
      for (const p of this.presets) {
        if ((site === null || p.site === site) && only(p)) this.rules.set(p.id, { ...p, seq: this.seq++ });
      }
    });
    return removed;
  }
}
