// Builds the partner portal into dist/ (or the directory given): the page, its styles, the public
// files, and the app's wasm in pieces, one per page.
//
// Why not trunk (which builds the designer): every page is a Leptos lazy route
// (src/pages/mod.rs), and the wasm has to be split at those points before wasm-bindgen runs,
// which trunk cannot do.
//
//  1. `cargo rustc` the `mitra` binary for wasm32 with the `wasm-release` profile, linked with
//     `--emit-relocs` (the splitter follows relocations to see which code each page uses), its
//     Leptos components erased;
//  2. `wasm-split-cli` (wasm_split_cli_support, installed by scripts/setup.sh) cuts it into the
//     shell, one module per page and the code pages share, plus `__wasm_split.js`, which fetches
//     a page's modules the first time it is opened;
//  3. `wasm-bindgen --target web` on the shell, keeping the exports the pieces link against;
//  4. `wasm-opt -Oz` on every piece;
//  5. every file named with the build's content hash (one hash for the whole set, since the
//     shell's script and the loader import each other), references rewritten to match;
//  6. public/ copied, the styles named by their hash, index.html written with the module script,
//     the preloads and the styles' link; `.br`/`.gz` copies of everything (scripts/compress.mjs).
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(process.argv[2] || join(root, 'dist'));
const target = process.env.CARGO_TARGET_DIR || join(root, 'target');
const work = join(target, 'portal-split');

function run(cmd, args, env = process.env) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env });
}
const hashOf = (...parts) => {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  return digest.digest('hex').slice(0, 16);
};

// 1. The whole app, with relocations kept for the splitter, and Leptos's component types erased
// into `AnyView` (one rendering path per element kind instead of one per view type: the portal's
// wasm is about a seventh smaller; the designer's grows with it, so it is built without).
// Its standard library is built with it (from the `rust-src` component) for size
// (`optimize_for_size`: smaller sorts and number formatting), with panics that stop the wasm at
// once: no panic message, location or formatting is linked in (the shell is 7 % smaller; a panic
// already aborted the wasm, now without a console message). Those are unstable options of the
// stable compiler, enabled for this build alone (`RUSTC_BOOTSTRAP`).
// Its own target directory, since those flags apply to every crate and would otherwise rebuild
// the designer's and the tests' dependencies each time one or the other is built.
const portalTarget = join(target, 'portal');
run('cargo', ['rustc', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown', '--bin', 'mitra',
  '-Zbuild-std=std,panic_abort', '-Zbuild-std-features=optimize_for_size',
  '--config', 'target.wasm32-unknown-unknown.rustflags=["--cfg", "erase_components", "-Zunstable-options", "-Cpanic=immediate-abort"]',
  '--', '-C', 'link-args=--emit-relocs'], { ...process.env, CARGO_TARGET_DIR: portalTarget, RUSTC_BOOTSTRAP: '1' });
const linked = join(portalTarget, 'wasm32-unknown-unknown', 'wasm-release', 'mitra.wasm');

// 2–4, unless this very wasm was split and optimised before (same linked wasm, same script, same
// tools): the pieces are kept beside the target directory, and a warm build takes seconds.
const key = hashOf(readFileSync(linked), readFileSync(import.meta.filename),
  execFileSync('wasm-bindgen', ['--version']), execFileSync('wasm-opt', ['--version']));
const cache = join(work, key);
const files = existsSync(join(cache, 'complete')) ? readCached(cache) : await splitBindOptimise();

async function splitBindOptimise() {
  // 2. Split.
  rmSync(work, { recursive: true, force: true });
  const split = join(cache, 'split');
  const bound = join(cache, 'bindgen');
  mkdirSync(split, { recursive: true });
  run('wasm-split-cli', [linked, split, '--out-name', 'mitra']);

  // 3. Bind the shell.
  run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-demangle', '--out-dir', bound, '--out-name', 'mitra',
    join(split, 'mitra.wasm')]);

  // 4. Optimise each piece for size (names and producers dropped), as many at once as there are
  // processors: binaryen from npm takes over half a second even for a tiny piece.
  const wasmPaths = new Map([['mitra_bg.wasm', join(bound, 'mitra_bg.wasm')]]);
  const files = new Map(); // name as wasm-split / wasm-bindgen wrote it -> contents
  files.set('mitra.js', readFileSync(join(bound, 'mitra.js'), 'utf8'));
  for (const name of readdirSync(split).sort()) {
    if (name === 'mitra.wasm') continue;
    if (name.endsWith('.wasm')) wasmPaths.set(name, join(split, name));
    else if (name.endsWith('.js')) files.set(name, readFileSync(join(split, name), 'utf8'));
  }
  if (!files.has('__wasm_split.js')) throw new Error('wasm-split-cli wrote no __wasm_split.js');
  const optimise = promisify(execFile);
  const queue = [...wasmPaths];
  await Promise.all(Array.from({ length: availableParallelism() }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name, path] = next;
      await optimise('wasm-opt', ['-Oz', '--strip-debug', '--strip-producers', '--enable-bulk-memory',
        '--enable-nontrapping-float-to-int', path, '-o', `${path}.opt`]);
      files.set(name, readFileSync(`${path}.opt`));
    }
  }));

  const out = join(cache, 'pieces');
  mkdirSync(out);
  for (const [name, data] of files) writeFileSync(join(out, name), data);
  writeFileSync(join(cache, 'complete'), '');
  return files;
}

function readCached(dir) {
  const out = join(dir, 'pieces');
  return new Map(readdirSync(out).map((name) => [name, readFileSync(join(out, name), name.endsWith('.js') ? 'utf8' : null)]));
}

// 5. One content hash for the set, in every name.
const hash = hashOf(...[...files].sort(([a], [b]) => a.localeCompare(b)).flat());
const renamed = (name) => {
  if (name === '__wasm_split.js') return `mitra-split-${hash}.js`;
  if (name === 'mitra_bg.wasm') return `mitra-${hash}_bg.wasm`;
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
};
// Only where a file is fetched or imported: the wasm's own import names (the keys of the imports
// object wasm-bindgen writes) stay as the wasm says them.
const rewrite = (text) => text.replace(/(from\s*|new URL\(|import\()(["'])\.\/([\w.-]+\.(?:js|wasm))\2/g,
  (whole, how, quote, name) => (files.has(name) ? `${how}${quote}./${renamed(name)}${quote}` : whole));
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
for (const [name, data] of files) {
  writeFileSync(join(dist, renamed(name)), typeof data === 'string' ? rewrite(data) : data);
}

// 6. The public files, the styles, and the page that loads them.
cpSync(join(root, 'public'), dist, { recursive: true });
const css = readFileSync(join(root, 'style', 'main.css'));
const cssName = `main-${hashOf(css)}.css`;
writeFileSync(join(dist, cssName), css);
const js = renamed('mitra.js');
const wasm = renamed('mitra_bg.wasm');
const loader = renamed('__wasm_split.js');
const html = readFileSync(join(root, 'index.html'), 'utf8');
if (!html.includes('</head>')) throw new Error('index.html has no </head>');
const tags = [
  `<link rel="stylesheet" href="/${cssName}" />`,
  `<script type="module">import init from '/${js}'; await init({ module_or_path: '/${wasm}' });</script>`,
  `<link rel="modulepreload" href="/${js}" />`,
  `<link rel="modulepreload" href="/${loader}" />`,
  `<link rel="preload" href="/${wasm}" as="fetch" type="application/wasm" crossorigin />`,
].join('\n    ');
writeFileSync(join(dist, 'index.html'), html.replace('  </head>', `    ${tags}\n  </head>`));

run('node', [join(root, 'scripts', 'compress.mjs'), dist]);

// Sizes in KB of 1,000 bytes, as the README gives them.
const kb = (n) => `${(n / 1000).toFixed(0)} KB`;
const shellPath = join(dist, wasm);
const pieces = [...files.keys()].filter((n) => n.endsWith('.wasm') && n !== 'mitra_bg.wasm');
const piecesSize = pieces.reduce((t, n) => t + files.get(n).length, 0);
console.log(`portal: shell wasm ${kb(files.get('mitra_bg.wasm').length)}, ${kb(readFileSync(`${shellPath}.gz`).length)} gzip, `
  + `${kb(readFileSync(`${shellPath}.br`).length)} brotli; ${pieces.length} pieces loaded by page ${kb(piecesSize)}`);
