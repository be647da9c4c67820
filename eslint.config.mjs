// Lint: typescript-eslint's recommended rules, no `any` in the product's code (src), and the architecture rule: the
// domain core, the Node adapters and the CLI never import the editor API.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.e2e/**', 'media/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The product's code says what it expects: `unknown` and a check, never `any` (tests and the test org may).
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: [
      'src/core/**/*.ts',
      'src/node/**/*.ts',
      'src/cli.ts',
      'src/cli/**/*.ts',
      'src/vscode/viewModel.ts',
      'src/vscode/diagnosticsModel.ts',
      'src/vscode/commandTable.ts',
      'src/vscode/contextKeys.ts',
      'src/vscode/webview/**/*.ts',
      'src/webview/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'Keep this module free of the editor API (it runs and is tested in plain Node).',
            },
          ],
        },
      ],
    },
  },
);
