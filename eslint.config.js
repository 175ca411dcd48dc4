import js from '@eslint/js';
import tseslint from 'typescript-eslint';

import { boundaries } from './eslint.boundaries.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'coverage/**', 'bench/**', '**/*.mjs', 'test/corpus/sites/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.lint.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error'],
    },
  },
  {
    // console and process belong to the CLI, the console reporter, and tests.
    files: ['src/cli/**/*.ts', 'src/report/console*.ts', 'src/demo/**/*.ts', '**/*.test.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  ...boundaries,
);
