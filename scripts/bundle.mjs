// Bundles with esbuild (Node 20 target): the CLI; the extension's thin layer (dist/extension.js, loaded at
// activation); and the engine with jsforce (dist/engine.js, loaded on first use). `vscode` stays external.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', minify: true, legalComments: 'linked', logLevel: 'warning', mainFields: ['module', 'main'] };
await Promise.all([
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['src/node/index.ts'], outfile: 'dist/engine.js' }),
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './engine.js'],
    banner: { js: 'var __loadStart = performance.now();' }, footer: { js: 'var __loadEnd = performance.now();' } }),
]);
