// ESLint (flat config) with typescript-eslint's type-aware rules for the sources, tests, benchmarks and page scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'performance',
    'Buffer',
    'URL',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    // build output, vendored assets, and the stores, sites and benchmark output that runs leave in the repo folder
    ignores: [
      'dist/**',
      'node_modules/**',
      'templates/assets/**',
      'coverage/**',
      'tmp/**',
      'site/**',
      'tracklab/**',
      'mlruns/**',
      'examples/**/mlruns/**',
      'bench/out/**',
      '.jupyter/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // the house limits: lines <= 120 characters, no function over 60 lines
      // A message is kept whole on its line so that grepping for the text a user saw finds it; Prettier wraps the rest.
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true },
      ],
      'max-lines-per-function': ['warn', { max: 60, skipBlankLines: true, skipComments: true }],
      // Backends implement the Promise-returning store interfaces, some synchronously; `async` keeps their throws
      // rejections, which is what callers of an async interface handle.
      '@typescript-eslint/require-await': 'off',
      // Control characters are matched on purpose: terminal-safe output, ANSI colour codes, unpublishable paths.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // node:test's describe/it return promises the runner awaits itself
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**', 'bench/**'],
    // a describe() holds a suite's tests; its length says how many tests there are, not how complex one is
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
);
