// Lint rules: the recommended sets, plus the few that catch real bugs in async server code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', '.tap/', 'node_modules/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The pages' small progressive-enhancement scripts run in the browser.
    files: ['views/static/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', EventSource: 'readonly', location: 'readonly', history: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', console: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', DOMParser: 'readonly', navigator: 'readonly' } },
  },
  {
    // Build scripts are plain Node modules.
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', Buffer: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
);
