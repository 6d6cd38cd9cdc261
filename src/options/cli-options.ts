/**
 * Command-line flags and environment variables to SandboxOptions, and the --help text, both
 * made from the declarations of declarations.ts (the command's only logic). Flags win over
 * environment variables; an empty environment variable counts as unset. Values are read in
 * the grammar of grammar.ts here and validated by resolveConfig.
 */
import { parseArgs } from 'node:util';
import type { SandboxOptions } from './sandbox-options.js';
import { ConfigError } from './sandbox-options.js';
import type { CliForm, OptionPath } from './option-kinds.js';
import { OPTIONS } from './declarations.js';
import { readYesNo, YES_NO_EXAMPLES } from './grammar.js';

type Env = Record<string, string | undefined>;
type Declared = { path: OptionPath; help: string; shown: string | undefined; cli: CliForm | undefined };

/** The declarations as a list, in their order. */
export function declaredOptions(): Declared[] {
  return Object.entries(OPTIONS).map(([path, d]) => ({ path: path as OptionPath, help: d.help, shown: d.shown, cli: 'cli' in d ? (d.cli as CliForm) : undefined }));
}

/** `--port <n>` */
export function flagText(cli: CliForm): string {
  return `--${cli.flag}${cli.arg ? ` ${cli.arg}` : ''}`;
}

/** `PORT`, `LOG=1`, `CLOCK=manual`, `SECOND_CHANCE=0` */
export function envText(cli: CliForm): string {
  if (cli.arg) return cli.env;
  if (cli.envWord) return `${cli.env}=${cli.sets === false ? cli.envWord.off : cli.envWord.on}`;
  return `${cli.env}=${cli.sets === false ? '0' : '1'}`;
}

const WIDTH = 100;
const INDENT = 32;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function helpText(): string {
  const pad = ' '.repeat(INDENT);
  let out = 'sofort-sandbox: a local MultiSafepay API with Sofort (DIRECTBANK), payment page and fake bank\n\nUsage: sofort-sandbox [options]\n\n';
  for (const { help, shown, cli } of declaredOptions()) {
    if (!cli) continue;
    const head = `  ${flagText(cli)}`;
    // The environment variable and the default first, on the flag's line: what a reader scans for.
    const byDefault = cli.default !== undefined ? String(cli.default) : shown;
    const meta = `env ${envText(cli)}${cli.repeat ? ' (comma-separated)' : ''}${byDefault && cli.arg ? `; default ${byDefault}` : ''}`;
    out += head.length < INDENT ? `${head.padEnd(INDENT)}${meta}\n` : `${head}\n${pad}${meta}\n`;
    for (const line of wrap(help, WIDTH - INDENT)) out += `${pad}${line}\n`;
  }
  out += `  ${'-h, --help'.padEnd(INDENT - 2)}show this help\n\n`;
  out += 'Durations: 500ms, 2s, 15m, 24h, 1d2h, 1.5h, 2w or milliseconds (one grammar everywhere).\n';
  out += 'Yes/no environment variables: 1, true, yes, on or 0, false, no, off. Repeatable flags: once per item.\n';
  return out;
}

export const HELP = helpText();

function setPath(opts: SandboxOptions, path: OptionPath, value: unknown): void {
  const [head, key] = path.split('.') as [string, string | undefined];
  const o = opts as Record<string, unknown>;
  if (key === undefined) o[head] = value;
  else o[head] = { ...(o[head] as object | undefined), [key]: value };
}

/** What the environment variable of a switch says: true, false, or undefined when unset. */
function envSwitch(cli: CliForm, text: string): boolean {
  const v = text.trim().toLowerCase();
  if (cli.envWord) {
    if (v === cli.envWord.on) return true;
    if (v === cli.envWord.off) return false;
    throw new ConfigError(`${cli.env}: "${text.slice(0, 40)}" is not ${cli.envWord.on} or ${cli.envWord.off}`);
  }
  const yes = readYesNo(v);
  if (yes === null) throw new ConfigError(`${cli.env}: "${text.slice(0, 40)}" is not yes or no; ${YES_NO_EXAMPLES}`);
  return yes;
}

/** Flags and environment to options. Exported for tests. */
export function parseCli(argv: string[], env: Env): SandboxOptions & { help?: boolean } {
  const declared = declaredOptions();
  const flags: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const { cli } of declared) if (cli) flags[cli.flag] = { type: cli.arg ? 'string' : 'boolean', ...(cli.repeat ? { multiple: true } : {}) };
  flags.help = { type: 'boolean', short: 'h' };
  const { values } = parseArgs({ args: argv, options: flags, strict: true });

  const opts: SandboxOptions & { help?: boolean } = {};
  if (values.help === true) opts.help = true;
  for (const { path, cli } of declared) {
    if (!cli) continue;
    const flag = values[cli.flag];
    const fromEnv = env[cli.env] === '' ? undefined : env[cli.env];
    let value: unknown;
    if (!cli.arg) {
      const said = flag === true ? cli.sets !== false : fromEnv !== undefined ? envSwitch(cli, fromEnv) : undefined;
      if (said === undefined) continue;
      // A switch that says the default (the library's value when left out) changes nothing, so nothing is passed on.
      if (said === OPTIONS[path].resolve(undefined as never, () => undefined as never, {})) continue;
      value = said;
    } else if (cli.repeat && Array.isArray(flag)) {
      value = flag;
    } else {
      const text = typeof flag === 'string' ? flag : fromEnv;
      if (text === undefined) {
        if (cli.default === undefined) continue;
        value = cli.default;
      } else {
        value = cli.read?.read(text) ?? null;
        if (value === null) throw new ConfigError(`--${cli.flag}: "${text.slice(0, 60)}" is not ${cli.read?.expects ?? 'readable'}`);
        // An empty list from the environment (`API_KEYS=,`) is as good as unset.
        if (Array.isArray(value) && value.length === 0) continue;
      }
    }
    setPath(opts, path, value);
  }
  return opts;
}
