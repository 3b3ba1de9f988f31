import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../src/server/db/data-dir-lock';
import { tempDirs } from '../support/cli';

const tempDir = tempDirs('huiju-lock-');

/** Another process holding the data directory's lock, as `huiju serve` does. */
async function holder(dataDir: string) {
  const module = path.resolve('src/server/db/data-dir-lock.ts');
  const proc = spawn(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(module)}).then((m) => m.lockDataDir(${JSON.stringify(dataDir)})).then(() => { console.log('locked'); setInterval(() => {}, 1000); })`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  await expect.poll(() => out, { timeout: 30_000 }).toContain('locked');
  return { proc, exited };
}

describe('the data-directory lock', () => {
  it('refuses a second process while the owner lives, and is taken over within seconds once it was killed (not 15 s)', async () => {
    const dataDir = tempDir();
    const first = await holder(dataDir);
    await expect(lockDataDir(dataDir)).rejects.toBeInstanceOf(DataDirLockedError);
    first.proc.kill('SIGKILL');
    await first.exited;
    const started = Date.now();
    const release = await lockDataDir(dataDir);
    const waited = Date.now() - started;
    expect(waited).toBeLessThan(8_000);
    await release();
  });
});
