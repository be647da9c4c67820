// Lint: typescript-eslint's recommended rules, and the architecture rule: the domain core and the Node
// adapters never import the editor API.
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
    files: [
      'src/core/**/*.ts',
      'src/node/**/*.ts',
      'src/cli.ts',
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
