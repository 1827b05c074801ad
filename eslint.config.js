// ESLint flat config (eslint 9). typescript-eslint's `recommended` set, without type information so
// it stays fast; formatting is left to prettier (eslint-config-prettier turns the conflicting rules off).
// Run with `npm run lint` (check) or `npm run format` (fix).
import { defineConfig, globalIgnores } from 'eslint/config';
import prettierConfig from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const tsFiles = ['src/**/*.ts', 'constructs/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'stacks/**/*.ts', 'index.ts'];

export default defineConfig([
  // imports/ is generated (npm run import); test/golden/files holds recorded output.
  globalIgnores(['lib/', 'dist/', 'node_modules/', 'imports/', 'test/golden/files/', 'coverage/']),
  {
    files: tsFiles,
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Last, so it wins: turn off every rule that would fight prettier's formatting.
  prettierConfig,
]);
