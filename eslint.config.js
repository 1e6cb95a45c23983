import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', '.tmp/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  // The standard's pure logic does no I/O: no HTTP framework, database, broker or file
  // system, and depends on nothing else in src/ (one block per folder depth, since the
  // imports are relative).
  ...[
    ['src/ngsi-ld/*.ts', '../'],
    ['src/ngsi-ld/*/*.ts', '../../'],
    ['src/ngsi-ld/*/*/*.ts', '../../../'],
  ].map(([files, up]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify', 'fastify/*', '@fastify/*'],
              message: 'src/ngsi-ld is pure: no HTTP framework.',
            },
            {
              group: ['better-sqlite3', 'postgres', 'pg', 'mqtt', 'aedes', '@nats-io/*'],
              message: 'src/ngsi-ld is pure: no I/O.',
            },
            {
              group: [
                'node:fs',
                'node:fs/*',
                'fs',
                'node:net',
                'node:http',
                'node:https',
                'undici',
              ],
              message: 'src/ngsi-ld is pure: no I/O.',
            },
            {
              group: ['context', 'adapters', 'api', 'platform', 'ingest', 'services'].map(
                (dir) => `${up}${dir}/*`,
              ),
              message: 'src/ngsi-ld depends on nothing else in src.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['scripts/**', 'bin/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
