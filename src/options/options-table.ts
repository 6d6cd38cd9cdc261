/**
 * The table of every option in docs/options.md, made from the declarations, so the page
 * cannot drift from the code: test/options-docs.test.ts compares the page with it. Only the
 * test and the docs load this module; the command does not.
 */
import { declaredOptions, envText, flagText } from './cli-options.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const code = (text: string): string => `\`${text}\``;

/** The Markdown table: library option, flag, environment variable, default, what it does. */
export function optionsTable(): string {
  const rows = ['| Library option | Flag | Environment variable | Default | What it does |', '| --- | --- | --- | --- | --- |'];
  for (const { path, help, shown, cli } of declaredOptions()) {
    const flag = cli ? code(flagText(cli)) + (cli.repeat ? ', repeatable' : '') : 'library only';
    const env = cli ? code(envText(cli)) + (cli.repeat ? ', comma-separated' : '') : '';
    rows.push(`| ${code(path)} | ${flag} | ${env} | ${cell(shown ?? '')} | ${cell(help)} |`);
  }
  return `${rows.join('\n')}\n`;
}
