// Empties dist/ before a build, so a module deleted from src/ does not live on in the
// package (npm pack takes whatever dist/ holds).
import { rmSync } from 'node:fs';
import { join } from 'node:path';

rmSync(join(import.meta.dirname, '..', 'dist'), { recursive: true, force: true });
