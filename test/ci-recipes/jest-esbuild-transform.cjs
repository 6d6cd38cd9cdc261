// A Jest transform for TypeScript as ES modules through esbuild (already a dependency of
// the project), so the Jest recipe runs offline with no other transformer installed.
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a Jest transform is loaded as CommonJS
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const out = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: filename });
    return { code: out.code };
  },
};
