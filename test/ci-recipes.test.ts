/**
 * The Vitest and Jest recipes of docs/control-plane.md are real test files
 * (test/ci-recipes/*.spec.ts), run here by their own runners as a user would run them,
 * each with its default 5 s test timeout. The tap recipe is test/ci-recipe-tap.test.ts.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv } from './helpers/child-env.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(bin: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(`${root}node_modules/.bin/${bin}`, args, { cwd: root, env: childEnv({ CI: '1', NO_COLOR: '1', ...env }), timeout: 110_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}\n${stderr}` });
    });
  });
}

t.test('the Vitest recipe passes under Vitest', async (t) => {
  const r = await run('vitest', ['run', '--config', 'test/ci-recipes/vitest.config.ts']);
  t.equal(r.code, 0, r.out.slice(-3000));
  t.match(r.out, /Tests\s+2 passed \(2\)/);
});

t.test('the Jest recipe passes under Jest', async (t) => {
  const r = await run('jest', ['--config', 'test/ci-recipes/jest.config.cjs'], { NODE_OPTIONS: '--experimental-vm-modules' });
  t.equal(r.code, 0, r.out.slice(-3000));
  t.match(r.out, /Tests:\s+1 passed, 1 total/);
});
