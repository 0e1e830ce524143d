// Builds the workbench's Voila page script: `npm ci && npm run build` (or `make frontend`).
// Output: ../templates/jupyter/voila/templates/lia/static/lia-page.{js,css} and the
// Font Awesome fonts the widgets' icons use, plus BUILD.json naming the sources' hash,
// which a test compares so the committed bundle cannot silently fall behind its source.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'templates', 'jupyter', 'voila', 'templates', 'lia', 'static');
rmSync(join(out, 'lia-page'), { recursive: true, force: true });
mkdirSync(join(out, 'lia-page'), { recursive: true });

export function sourceHash() {
  const h = createHash('sha256');
  const files = ['package.json', 'package-lock.json', 'build.mjs',
    ...readdirSync(join(here, 'src')).sort().map((f) => join('src', f))];
  for (const f of files) {
    h.update(f + '\0');
    h.update(readFileSync(join(here, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

const result = await build({
  entryPoints: { 'lia-page': join(here, 'src', 'index.js') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: join(out, 'lia-page'),
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  assetNames: '[name]-[hash]',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  // ipywidgets' HTML sanitizer (sanitize-html + postcss, a quarter of the bundle) serves only
  // descriptions marked description_allow_html, which no page sets: src/sanitize-text.js
  // shows them as text instead
  alias: { 'sanitize-html': join(here, 'src', 'sanitize-text.js') },
});
const sizes = Object.fromEntries(Object.entries(result.metafile.outputs)
  .map(([f, o]) => [f.split('/').pop(), o.bytes]));
writeFileSync(join(out, 'lia-page', 'BUILD.json'),
  JSON.stringify({ source_sha256: sourceHash(), outputs: sizes }, null, 2) + '\n');
for (const [f, b] of Object.entries(sizes)) console.log(`${f.padEnd(40)} ${(b / 1024).toFixed(0).padStart(6)} KiB`);
