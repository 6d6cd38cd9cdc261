/**
 * What one option declaration holds (src/options/declarations.ts), and the readers that turn
 * the text of a flag or an environment variable into a value. Kept apart from the table so
 * the table reads as data.
 */
import type { SandboxOptions } from './sandbox-options.js';
import { readDelay, readDuration, readList } from './grammar.js';

/** The option groups that are objects of their own in SandboxOptions (`webhooks.delayMs`). */
type Groups = 'webhooks' | 'refunds' | 'recurring' | 'secondChance';
type Group<G extends Groups> = NonNullable<SandboxOptions[G]>;

/** Every library option's path: `port`, `webhooks.delayMs`, `secondChance.from`, ... */
export type OptionPath = Exclude<keyof SandboxOptions, Groups> | { [G in Groups]: `${G}.${keyof Group<G> & string}` }[Groups];

/** The type a user gives for the option at `P` (undefined when left out). */
export type ValueAt<P extends OptionPath> = P extends `${infer G extends Groups}.${infer K}`
  ? K extends keyof Group<G>
    ? Group<G>[K] | undefined
    : never
  : P extends keyof SandboxOptions
    ? SandboxOptions[P]
    : never;

/** Refuse the option with a message naming the fix; `at` names a part of it (`rules.minAmount`). */
export type Fail = (message: string, at?: string) => never;

/** Text of a flag or an environment variable to a value, or null when unreadable. */
export interface Reader {
  /** Completes `--flag: "text" is not ...` when the text is unreadable. */
  readonly expects: string;
  read(text: string): unknown;
}

/** How the command line and the environment give an option. */
export interface CliForm {
  /** The flag without its dashes: `port` is `--port`. */
  readonly flag: string;
  /** The flag's argument as --help shows it (`<n>`); absent for a switch, which takes none. */
  readonly arg?: string;
  /** How the argument and the environment variable are read (flags with an argument). */
  readonly read?: Reader;
  /** The flag may be given more than once, one item each; the environment variable is a comma-separated list. */
  readonly repeat?: boolean;
  /** A switch: the value the flag gives (true, or false for `--no-...`). */
  readonly sets?: boolean;
  /** The environment variable. A switch's is read as yes/no unless `envWord` says otherwise. */
  readonly env: string;
  /** A switch whose environment variable takes words instead of yes/no: `CLOCK=manual` / `CLOCK=auto`. */
  readonly envWord?: { readonly on: string; readonly off: string };
  /** The value when neither the flag nor the environment gives one, where the command differs from the library. */
  readonly default?: unknown;
}

/** One option: everything the CLI, the environment, --help, the library and docs/options.md need. */
export interface OptionDecl<P extends OptionPath> {
  /** What it does, one or two sentences; --help and the docs table show it. */
  readonly help: string;
  /** The default as a person reads it (`15m`, `none: in memory`); absent when there is none to show. */
  readonly shown?: string;
  /** Flag and environment variable; absent for options only the library takes. */
  readonly cli?: CliForm;
  /** The library's default applied and the value validated: the resolved value, or `fail`. */
  resolve(value: ValueAt<P>, fail: Fail, all: SandboxOptions): unknown;
}

export const read = {
  text: { expects: 'a text', read: (t: string) => t },
  number: {
    expects: 'a number',
    read: (t: string) => {
      const n = Number(t);
      return t.trim() !== '' && Number.isFinite(n) ? n : null;
    },
  },
  cents: { expects: 'a whole number of cents such as 39', read: (t: string) => (/^\d+$/.test(t) ? Number(t) : null) },
  list: { expects: 'a comma-separated list', read: (t: string) => readList(t) },
  duration: {
    expects: 'a duration such as 0, 500ms, 2s, 1h or a number of milliseconds',
    read: (t: string) => {
      const ms = readDuration(t);
      return ms !== null && Number.isSafeInteger(ms) ? ms : null;
    },
  },
  delay: { expects: 'a duration such as 0, 500ms, 2s, 1d2h or a range 1s-3s', read: (t: string) => readDelay(t) },
} as const satisfies Record<string, Reader>;
