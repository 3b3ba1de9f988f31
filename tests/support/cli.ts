import { spawn, spawnSync } from 'node:child_process';
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

/** Starts `huiju serve` and waits until it prints how to sign in; `stop()` sends SIGTERM. */
export async function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [huijuBin, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const check = setInterval(() => {
      const match = output.match(/running at (http:\/\/localhost:\d+)/);
      if (match && output.includes('Sign in')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve(match[1]!);
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    get output() {
      return output;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
