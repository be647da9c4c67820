// Bundles the CLI and the extension with esbuild (Node 20 target; `vscode` stays external).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', minify: true, legalComments: 'linked', logLevel: 'warning', mainFields: ['module', 'main'] };
await build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' });
if (existsSync('src/extension.ts')) await build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] });
