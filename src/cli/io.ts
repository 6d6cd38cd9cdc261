/** What a terminal command needs from its surroundings, injected so tests run commands in-process. */
export interface CliIo {
  /** One line of output (stdout). */
  out(line: string): void;
  /** One line of diagnostics (stderr). */
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** Ends long-running commands (listen, logs --follow): Ctrl-C in the terminal. */
  signal: AbortSignal;
  /** Real time, for order ids made up by `trigger` and durations measured by `listen`. */
  now(): number;
  /** A number in [0, 1), for the order ids `trigger` makes up. */
  random(): number;
}

/** Exit codes, the same for every command (docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** The sandbox answered with an error (unknown order, bad value, ...). */
  refused: 1,
  /** The command line is wrong. */
  usage: 2,
  /** No sandbox answers at --url. */
  unreachable: 3,
  /** `wait` ran out of time before the order got there. */
  timeout: 4,
} as const;
