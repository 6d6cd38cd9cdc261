/**
 * Child processes for the benchmarks: the server under test runs in its own process so
 * that autocannon (in the bench process) and the server each get a core, and so that
 * memory and start-up figures are those of a real sandbox process.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The bundled CLI: what `npm start`, the package's bin and the Docker image run. */
export const CLI = join(ROOT, 'dist', 'sofort-sandbox.mjs');

export interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The benchmarks run the built CLI (what `npm start` and the Docker image run): build it when stale. */
export function ensureBuilt(): void {
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'scripts')));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= sources) return;
  console.log('building dist/ (npm run build) ...');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Spawn `node ...args` and wait for the line that names its URL ("listening on http://...").
 * Resolves with the URL; rejects if the process exits or stays silent for `timeoutMs`.
 */
export function spawnServer(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000, stdin = false): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`no "listening on" line within ${timeoutMs} ms`)), timeoutMs);
    function fail(e: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\nstdout: ${out}\nstderr: ${err}`));
    }
    const stdout = child.stdout!;
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      stdout.removeAllListeners('data');
      stdout.resume();
      resolve({ url: m[1]!.replace(/\/$/, ''), child, stop: () => stop(child) });
    });
    child.on('exit', (code) => fail(new Error(`exited with ${String(code)} before listening`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Run `node ...args` to completion and return what it printed on stdout. */
export function runNode(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ').slice(0, 80)} exited with ${String(code)}`))));
  });
}

/** Write `command` to a server's stdin and resolve with its next stdout line that starts with `prefix`. */
export function ask(server: Server, command: string, prefix: string, timeoutMs = 60_000): Promise<string> {
  const { stdin, stdout } = server.child;
  if (!stdin || !stdout) throw new Error('the server was spawned without stdin/stdout pipes');
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => done(new Error(`no "${prefix}" line within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer): void => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) done(null, line.slice(prefix.length));
    };
    function done(err: Error | null, line = ''): void {
      clearTimeout(timer);
      stdout!.off('data', onData);
      if (err) reject(err);
      else resolve(line);
    }
    stdout.on('data', onData);
    stdin.write(`${command}\n`);
  });
}

let clockTicks: number | null = null;

/** CPU time (user + system) a process has used so far, from /proc (Linux), in seconds; null elsewhere. */
export function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

/** Resident set size of a process, from /proc (Linux), in bytes; null elsewhere. */
export function rssOf(pid: number | undefined): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
