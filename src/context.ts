/**
 * Everything one sandbox instance owns: config, store, ids, engine. Made per app (no state
 * at module level), so two sandboxes in one process never share anything.
 */
import type { SandboxConfig } from './config.js';
import { Engine } from './engine/engine.js';
import { createIds } from './engine/ids.js';
import type { Store } from './engine/store.js';
import { MemoryStore } from './engine/store.js';

export interface SandboxContext {
  readonly config: SandboxConfig;
  readonly store: Store;
  readonly engine: Engine;
  /** Things to close when the app closes, last added first. */
  readonly closers: Array<() => void | Promise<void>>;
}

export function createContext(config: SandboxConfig, store: Store = new MemoryStore()): SandboxContext {
  const ids = createIds(config.seed ?? undefined);
  const realTime = config.realTime ?? undefined;
  const engine = new Engine({
    store,
    ids,
    rules: config.rules,
    clock: {
      ...(config.startTime !== null ? { virtual: config.startTime } : {}),
      scale: config.timeScale,
      frozen: config.manualClock,
    },
    ...(realTime ? { realTime } : {}),
  });
  return { config, store, engine, closers: [] };
}
