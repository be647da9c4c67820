// Bundles with esbuild (Node 20 target): the CLI; the extension's thin layer (dist/extension.js, evaluated at
// activation); what starts right after activation and the manifest's parser (dist/later.js); command handlers and the
// credentials view (dist/ui.js) and the engine with jsforce (dist/engine.js), both loaded on first use. `vscode` stays
// external.
import { copyFile, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  mainFields: ['module', 'main'],
};
await Promise.all([
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' }),
  // The credentials webview's script, from TypeScript, for the browser — in a folder of its own with its style sheet:
  // the webview may load that folder only (localResourceRoots), not the engine beside it.
  mkdir('dist/webview', { recursive: true }).then(() =>
    copyFile('media/credentials.css', 'dist/webview/credentials.css'),
  ),
  build({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: ['src/webview/credentials.ts'],
    outfile: 'dist/webview/credentials.js',
  }),
  build({ ...common, entryPoints: ['src/node/index.ts'], outfile: 'dist/engine.js' }),
  build({
    ...common,
    entryPoints: ['src/vscode/ui.ts'],
    outfile: 'dist/ui.js',
    external: ['vscode', './engine.js', './later.js'],
  }),
  build({
    ...common,
    entryPoints: ['src/vscode/later.ts'],
    outfile: 'dist/later.js',
    external: ['vscode', './engine.js', './ui.js'],
  }),
  build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode', './engine.js', './ui.js', './later.js'],
    // The banner times VS Code's own work for `require("vscode")` (it builds this extension's API object) apart from ours.
    banner: {
      js: '"use strict"; var __loadStart = performance.now(); var __vscodeApiMs = (function () { var t = performance.now(); require("vscode"); return performance.now() - t; })();',
    },
    footer: { js: 'var __loadEnd = performance.now();' },
  }),
]);
