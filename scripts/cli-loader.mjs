#!/usr/bin/env node
// sofort-sandbox's command: runs the bundled CLI (sofort-sandbox-cli.cjs beside this file) with
// V8's code cache made by `npm run build` (sofort-sandbox-cli.cache). With the cache V8 neither
// parses the megabyte of bundled code nor compiles the functions a start runs: start-up CPU
// drops by about a fifth. A cache from another Node version or an older bundle is rejected by
// V8 itself, and the code is then compiled from source as without one.
//
// SOFORT_SANDBOX_WRITE_CODE_CACHE=1 (used by scripts/bundle-cli.mjs) writes the cache when the
// process exits, so it holds every function a start and a first request compiled. The cache is
// not in the published package (it is as big as the bundle and fits one Node version only): a
// run that finds none, or one V8 rejects, writes it on exit where the directory is writable,
// so the next start has it; where it is not writable the command simply runs without one.
import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const dir = dirname(fileURLToPath(import.meta.url));
const file = join(dir, 'sofort-sandbox-cli.cjs');
const cacheFile = join(dir, 'sofort-sandbox-cli.cache');

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache (a build without one): compile from source.
}
// Wrapped as Node wraps a CommonJS module (the bundle keeps its line numbers in stack traces).
const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8').replace(/^#!.*/, '')}\n})`;
// import() from the bundle (none today) would load as from any module, where Node offers it (>= 20.12).
const dynamicImport = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const script = new vm.Script(source, { filename: file, cachedData, ...(dynamicImport ? { importModuleDynamically: dynamicImport } : {}) });
if (process.env.SOFORT_SANDBOX_WRITE_CODE_CACHE === '1') {
  process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
} else if (cachedData === undefined || script.cachedDataRejected) {
  process.on('exit', () => {
    try {
      // Whole or not at all: another start may be reading it.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only install: no cache, only a slower start.
    }
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dir);
