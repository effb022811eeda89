import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import reactJsx from 'eslint-plugin-react-jsx';
import globals from 'globals';

const electronImport = {
  paths: [
    {
      name: 'electron',
      message: "Only src/main/electron/** and src/preload/** may import 'electron'.",
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', electronImport],
    },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronImport,
          patterns: [
            {
              group: ['node:*', 'react', 'react-dom'],
              message: 'src/shared has no node, DOM or React imports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks, ...reactJsx.configs.recommended.plugins },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...Object.fromEntries(
        Object.keys(reactJsx.configs.recommended.rules).map((rule) => [rule, 'error']),
      ),
      'no-restricted-imports': [
        'error',
        {
          ...electronImport,
          patterns: [
            {
              group: ['node:*', '**/main/**', '**/simulator/**', '**/relay/**'],
              message: 'The renderer talks to main only through window.onboarding.',
            },
          ],
        },
      ],
    },
  },
);
