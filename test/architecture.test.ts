/**
 * The layering of src/, checked on every `npm test` (docs/architecture.md draws it).
 *
 * Every module belongs to one layer; an import may only point to the same layer or a lower
 * one, the four doors (api, pages, control, dashboard) never import each other, and no
 * import circle exists between files. Type-only imports obey the same rules: a type that a
 * lower layer needs from a higher one belongs lower down.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import t from 'tap';
import { PACKAGE_ROOT } from '../src/paths.js';

const SRC = join(PACKAGE_ROOT, 'src');

/** Lowest first. The key is a top-level folder of src/ or a file directly in it. */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['paths.ts'],
  ['domain'],
  ['options'],
  ['engine'],
  ['features'],
  ['context.ts'],
  ['http', 'client'],
  ['api', 'pages', 'control', 'dashboard'],
  ['app.ts'],
  ['index.ts', 'playwright.ts'],
  ['cli.ts', 'cli'],
];
const DOORS = new Set(['api', 'pages', 'control', 'dashboard']);

function rankOf(unit: string): number | undefined {
  const i = LAYERS.findIndex((layer) => layer.includes(unit));
  return i < 0 ? undefined : i;
}

/** The layer unit of a path relative to src/: its top folder, or the file itself. */
function unitOf(rel: string): string {
  return rel.split('/')[0] ?? rel;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

/** src-relative file -> src-relative files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file).split('\\').join('/');
    const targets: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec === undefined) continue;
      const target = normalize(join(dirname(rel), spec)).split('\\').join('/').replace(/\.js$/, '.ts');
      targets.push(target);
    }
    graph.set(rel, targets);
  }
  return graph;
}

const graph = importGraph();

t.test('every module of src/ sits in a named layer', async (t) => {
  const unplaced = [...graph.keys()].filter((f) => rankOf(unitOf(f)) === undefined);
  t.same(unplaced, [], 'add a new top-level folder or file to LAYERS (and to docs/architecture.md)');
});

t.test('imports point to the same layer or a lower one, and doors never import doors', async (t) => {
  const wrong: string[] = [];
  for (const [from, targets] of graph) {
    const a = unitOf(from);
    for (const to of targets) {
      const b = unitOf(to);
      if (a === b) continue;
      const ra = rankOf(a);
      const rb = rankOf(b);
      if (ra === undefined || rb === undefined) continue;
      if (rb > ra) wrong.push(`${from} -> ${to} (up from ${a} to ${b})`);
      else if (DOORS.has(a) && DOORS.has(b)) wrong.push(`${from} -> ${to} (door ${a} imports door ${b})`);
    }
  }
  t.same(wrong, [], 'move the shared code down a layer instead');
});

t.test('no import circle between files', async (t) => {
  const state = new Map<string, 'open' | 'done'>();
  const circles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    const s = state.get(file);
    if (s === 'done') return;
    if (s === 'open') {
      circles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  t.same(circles, [], 'break the circle by moving what both need into a lower module');
});

t.test('docs/architecture.md names every top-level module of src/ and every folder of features/', async (t) => {
  const page = readFileSync(join(PACKAGE_ROOT, 'docs', 'architecture.md'), 'utf8');
  const units = new Set([...graph.keys()].map(unitOf));
  for (const unit of units) {
    const name = unit.endsWith('.ts') ? unit : `${unit}/`;
    t.ok(page.includes(name), `${name} is on the architecture page`);
  }
  const features = new Set([...graph.keys()].filter((f) => f.startsWith('features/')).map((f) => f.split('/')[1] ?? ''));
  for (const f of features) if (!f.endsWith('.ts')) t.ok(page.includes(`${f}/`), `features/${f}/ is on the architecture page`);
});

t.test('the check reads real imports', async (t) => {
  // Guards the regular expression: the app must be seen importing its doors.
  const app = graph.get('app.ts') ?? [];
  t.ok(app.some((f) => f.startsWith('api/')), 'app.ts imports the API door');
  t.ok(app.some((f) => f.startsWith('dashboard/')), 'app.ts imports the dashboard door');
});
