import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** The real `huiju` command, as `npx huiju` and `npm start` run it. */
export const huijuBin = path.resolve('bin/huiju.mjs');

/** Runs `huiju` to completion on the embedded database unless `env` names another. */
export function huiju(args: string[], env: Record<string, string> = {}, timeout = 180_000) {
  const result = spawnSync(process.execPath, [huijuBin, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A maker of throwaway directories, all removed after the calling file's tests. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
