// Jest for the recipe only (the project's own suite runs on tap). This package is ESM, so
// Jest runs with NODE_OPTIONS=--experimental-vm-modules and treats .ts files as ES modules.
/* global module */
module.exports = {
  rootDir: '../..',
  testMatch: ['<rootDir>/test/ci-recipes/*.jest.spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/ci-recipes/jest-esbuild-transform.cjs' },
  // Source files import each other as './x.js' (NodeNext); Jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  testTimeout: 5000,
};
