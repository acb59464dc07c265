// Writes a brotli (.br) and a gzip (.gz) copy beside each text or wasm asset of a built app, so
// any static host (and mitra-server) can send them precompressed. Run by trunk's post_build hook
// on its staging directory and by scripts/build-portal.mjs.
//
// The gzip copies are made with zopfli (npm `@gfx/zopfli`, installed by scripts/setup.sh): the
// same format any browser reads, about 5 % smaller than zlib's best, at some seconds a megabyte.
// Both copies are kept by the content's hash under the cargo target directory, so an unchanged
// file (the usual case in a rebuild) costs a copy, not a compression.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('usage: node scripts/compress.mjs DIST_DIR');
  process.exit(2);
}
const cacheRoot = process.env.MITRA_CACHE || join(homedir(), '.cache', 'mitra');
const tools = join(cacheRoot, 'tools');
let zopfli;
try {
  zopfli = createRequire(join(tools, 'package.json'))('@gfx/zopfli');
} catch {
  console.error(`compress.mjs: zopfli is not installed in ${tools}; run scripts/setup.sh`);
  process.exit(1);
}
const cache = join(process.env.CARGO_TARGET_DIR || join(cacheRoot, 'target'), 'compressed');
mkdirSync(cache, { recursive: true });

const worth = /\.(wasm|js|css|html|svg|json|webmanifest|txt)$/;
// Raised from zopfli's default of 15: past 5 the output shrinks by bytes, the time by half.
const ZOPFLI_ITERATIONS = 5;

const brotli = (data) => brotliCompressSync(data, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
});
const gzip = async (data) => zopfli.gzipAsync(data, { numiterations: ZOPFLI_ITERATIONS });

/** Writes `path` + `ext`: from the cache when this content (`key`, its hash) was compressed before. */
async function compressed(path, data, key, ext, compress) {
  const kept = join(cache, `${key}${ext}`);
  try {
    copyFileSync(kept, `${path}${ext}`);
    const now = new Date();
    utimesSync(kept, now, now);
    return;
  } catch {
    // Not compressed before.
  }
  const out = await compress(data);
  writeFileSync(`${kept}.part`, out);
  renameSync(`${kept}.part`, kept);
  writeFileSync(`${path}${ext}`, out);
}

async function walk(d) {
  for (const name of readdirSync(d)) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) {
      await walk(path);
    } else if (worth.test(name)) {
      const data = readFileSync(path);
      const key = createHash('sha256').update(data).digest('hex');
      await compressed(path, data, key, '.br', brotli);
      await compressed(path, data, key, '.gz', gzip);
    }
  }
}
await walk(dir);

// Copies unused for two weeks are dropped: every build's are touched when used.
const stale = Date.now() - 14 * 24 * 3600 * 1000;
for (const name of readdirSync(cache)) {
  const path = join(cache, name);
  if (statSync(path).mtimeMs < stale) rmSync(path, { force: true });
}
