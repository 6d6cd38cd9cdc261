/** The User-Agent of notifications: names the sandbox and its version, so a receiver's log shows who called. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../paths.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const USER_AGENT = `sofort-sandbox/${packageVersion()} (MultiSafepay notification emulator)`;
