/**
 * `npm run bench [-- filter...] [--long]`: runs bench/*.bench.ts in turn (each default-exports
 * `async () => void` and prints its own table). Without a filter it runs the API benchmark,
 * whose closing table holds every speed and footprint goal beside its baseline (a few
 * minutes); `all` runs every benchmark; other words keep the files whose name contains one of
 * them, e.g. `npm run bench -- durability webhooks`. `--long` asks for longer, steadier runs.
 *
 * Benchmarks are not tests: they print figures for a person to read and never fail on a
 * threshold (the machine they run on varies too much for that).
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const words = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const filters = words.length === 0 ? ['api'] : words;
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.includes('all') || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}; available: ${readdirSync(here).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(2);
}

const cpu = cpus();
console.log(
  `sofort-sandbox benchmarks: node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown cpu'}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`,
);

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: () => Promise<void> };
    if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function`);
    await mod.default();
  } catch (err) {
    failed++;
    console.error(`${file} failed:`, err);
  }
  console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(failed === 0 ? 0 : 1);
