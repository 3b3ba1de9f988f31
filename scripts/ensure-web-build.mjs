#!/usr/bin/env node
// Builds the web app (vite build → dist/web) only when the build is missing or older than its
// sources: src/web/, src/shared/ and vite.config.ts. Run before `npm start` and `npm test`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtIndex = path.join(projectRoot, 'dist/web/index.html');
const sources = ['src/web', 'src/shared', 'vite.config.ts'].map((p) => path.join(projectRoot, p));

/** The newest modification time (ms) of a file or of any file below a directory; 0 when absent. */
function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.DS_Store') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

function builtMtime() {
  try {
    return fs.statSync(builtIndex).mtimeMs;
  } catch {
    return null;
  }
}

const built = builtMtime();
const newestSource = Math.max(...sources.map(newestMtime));
if (built !== null && built >= newestSource) {
  console.log('[ensure-web-build] dist/web is up to date.');
  process.exit(0);
}

console.log(built === null ? '[ensure-web-build] dist/web is missing: building the web app…' : '[ensure-web-build] sources changed: rebuilding the web app…');
const viteBin = path.join(projectRoot, 'node_modules/.bin', process.platform === 'win32' ? 'vite.cmd' : 'vite');
if (!fs.existsSync(viteBin)) {
  console.error(`[ensure-web-build] ${path.relative(projectRoot, viteBin)} not found: run \`npm install\` first.`);
  process.exit(1);
}
const result = spawnSync(viteBin, ['build'], { cwd: projectRoot, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.error) {
  console.error(`[ensure-web-build] could not run vite: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) {
  console.error(`[ensure-web-build] vite build failed (exit ${result.status ?? result.signal}).`);
  process.exit(result.status || 1);
}
if (!fs.existsSync(builtIndex)) {
  console.error('[ensure-web-build] vite build finished but dist/web/index.html is missing.');
  process.exit(1);
}
