/**
 * One declaration per option: docs/options.md's table, `sofort-sandbox --help`, the flags,
 * the environment variables and the library's defaults all agree, because they come from
 * src/options/declarations.ts.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { PACKAGE_ROOT } from '../src/paths.js';
import { declaredOptions, flagText, parseCli } from '../src/options/cli-options.js';
import { optionValue, resolveConfig } from '../src/options/config.js';
import { optionsTable } from '../src/options/options-table.js';
import { childEnv } from './helpers/child-env.js';

const page = readFileSync(join(PACKAGE_ROOT, 'docs/options.md'), 'utf8');
const table = /<!-- options-table:start[^>]*-->\n([\s\S]*?)<!-- options-table:end -->/.exec(page)?.[1] ?? '';

/** What `sofort-sandbox --help` prints, from the command itself. */
async function helpOfTheCommand(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--help'], { cwd: PACKAGE_ROOT, env: childEnv() });
  return stdout;
}

t.test('docs/options.md has the table the declarations make', async (t) => {
  t.not(table, '', 'the page marks its table');
  // On a mismatch the message shows the table to paste into the page.
  t.equal(table, optionsTable(), 'docs/options.md is behind src/options/declarations.ts; paste the expected table');
  t.equal(page.match(/^\| Library option \|/gm)?.length, 1, 'one table of options on the page');
});

t.test('the table agrees with sofort-sandbox --help: the same flags, each with its environment variable', async (t) => {
  const help = await helpOfTheCommand();
  const helpFlags = new Set([...help.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]));
  helpFlags.delete('--help');
  const rows = table.split('\n').filter((r) => r.startsWith('| `'));
  const tableFlags = new Set(rows.flatMap((r) => [...r.matchAll(/`(--[a-z-]+)/g)].map((m) => m[1])));
  t.same([...helpFlags].sort(), [...tableFlags].sort(), 'every flag of --help is in the table, and no other');
  t.ok(helpFlags.size >= 30, `${helpFlags.size} flags`);
  for (const row of rows) {
    const [, flag, env] = /`(--[a-z-]+)[^|]*\| `([A-Z_]+)/.exec(row) ?? [];
    if (flag === undefined || env === undefined) continue;
    t.match(help, new RegExp(`^  ${flag}\\b[^\\n]*(\\n {20,}[^\\n]*)?env ${env}\\b`, 'm'), `${flag} / ${env} on --help`);
  }
});

/** A value each reader can read, and what the option then holds. */
const SAMPLES: Record<string, [string, unknown]> = {
  'a text': ['sample-text-1', 'sample-text-1'],
  'a number': ['7', 7],
  'a whole number of cents such as 39': ['25', 25],
  'a comma-separated list': ['one-item,two-item', ['one-item', 'two-item']],
};

t.test('every declared flag and environment variable sets the option the table names', async (t) => {
  for (const { path, cli } of declaredOptions()) {
    if (!cli) continue;
    if (!cli.arg) {
      // A switch: the flag and its environment variable both say the value that is not the default.
      const byFlag = optionValue(parseCli([`--${cli.flag}`], {}), path);
      t.equal(byFlag, cli.sets !== false, `${flagText(cli)} sets ${path}`);
      const word = cli.envWord ? (cli.sets === false ? cli.envWord.off : cli.envWord.on) : cli.sets === false ? 'off' : 'on';
      t.equal(optionValue(parseCli([], { [cli.env]: word }), path), byFlag, `${cli.env}=${word} sets ${path}`);
      continue;
    }
    const expects = cli.read?.expects ?? '';
    const [text, value] = SAMPLES[expects] ?? ['90s', 90_000];
    const byFlag = optionValue(parseCli([`--${cli.flag}`, text], {}), path);
    t.same(optionValue(parseCli([], { [cli.env]: text }), path), value, `${cli.env}=${text} sets ${path}`);
    t.same(byFlag, cli.repeat ? [text] : value, `${flagText(cli)} ${text} sets ${path}`);
    t.same(optionValue(parseCli([`--${cli.flag}`, text], { [cli.env]: 'other-1,other-2' }), path), byFlag, `${flagText(cli)} wins over ${cli.env}`);
  }
});

t.test('every library option has a default the sandbox accepts, and refuses a wrong type naming the option', async (t) => {
  const config = resolveConfig({});
  t.ok(Object.isFrozen(config.webhooks) && Object.isFrozen(config.afterPayment), 'groups are frozen too');
  for (const { path } of declaredOptions()) {
    if (path === 'realTime' || path === 'rules' || path === 'seed') continue; // objects of their own, any seed
    const [head, key] = path.split('.') as [string, string | undefined];
    const wrong = key === undefined ? { [head]: { not: 'this' } } : { [head]: { [key]: { not: 'this' } } };
    t.throws(() => resolveConfig(wrong as never), { name: 'ConfigError', message: new RegExp(`^${path.replace('.', '\\.')}(\\[\\d\\])?: `) }, path);
  }
});
