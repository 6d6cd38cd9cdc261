/**
 * Secure by default: a sandbox whose control plane and dashboard answer beyond loopback
 * (`controlAllowRemote`, which the Docker image sets) must not be open to whoever reaches the
 * port. Without a configured token it makes one, as Jupyter does, and keeps it in the data
 * directory so that bookmarks and CI scripts keep working across restarts. Staying open takes
 * an explicit `controlOpen`, and is warned about at every start.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxConfig } from '../../options/config.js';
import { secretId } from '../../engine/ids.js';

export const TOKEN_FILE = 'control-token';

/** What start-up has to tell the person who started the sandbox. */
export interface TokenNotice {
  readonly warning: string | null;
}

function readStored(dir: string): string | null {
  try {
    const text = readFileSync(join(dir, TOKEN_FILE), 'utf8').trim();
    return /^[\x21-\x7e]{8,256}$/.test(text) ? text : null;
  } catch {
    return null;
  }
}

/**
 * The config with a control token when one is needed: the configured one, else the one kept in
 * the data directory, else a new one (stored there when possible). `warn` hears why a token
 * could not be kept, or that the sandbox runs open by choice.
 */
export function withControlToken(config: SandboxConfig, warn: (message: string) => void): SandboxConfig {
  if (config.controlToken !== null || !config.controlAllowRemote) return config;
  if (config.controlOpen) {
    warn('WARNING: the control plane (/_sandbox) and the dashboard answer every host without a token (--control-open): anyone who reaches this port can read every site\'s orders, reset them and move the clock. Set CONTROL_TOKEN, or drop CONTROL_OPEN, to protect them.');
    return config;
  }
  const dir = config.dataDir;
  if (dir !== null) {
    const stored = readStored(dir);
    if (stored !== null) return Object.freeze({ ...config, controlToken: stored, controlTokenSource: 'stored' as const });
  }
  const token = secretId();
  if (dir !== null) {
    try {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, TOKEN_FILE);
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      warn(`sofort-sandbox: could not keep the generated control token in ${join(dir, TOKEN_FILE)} (${(err as Error).message}); it lasts until this process stops. Set CONTROL_TOKEN for a fixed one.`);
    }
  }
  return Object.freeze({ ...config, controlToken: token, controlTokenSource: 'generated' as const });
}
