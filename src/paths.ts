/** Files shipped beside the code (views, fixtures), found from src/ and from dist/src/ alike. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'views'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('sofort-sandbox: cannot find the package root (views/ and package.json)');
}

export const PACKAGE_ROOT = findRoot();
export const VIEWS_DIR = join(PACKAGE_ROOT, 'views');
export const FIXTURES_DIR = join(PACKAGE_ROOT, 'fixtures');
