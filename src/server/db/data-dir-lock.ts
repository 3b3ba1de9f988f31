import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export class DataDirLockedError extends Error {}

interface Owner {
  pid: number;
  host: string;
}

function ownerFileOf(dataDir: string) {
  return path.join(dataDir, 'huiju.lock.owner');
}

/** Whether the recorded owner of the lock is a process of this host that no longer exists. */
function ownerIsGone(dataDir: string): boolean {
  let owner: Owner;
  try {
    owner = JSON.parse(fs.readFileSync(ownerFileOf(dataDir), 'utf8')) as Owner;
  } catch {
    return false;
  }
  if (owner.host !== os.hostname() || owner.pid === process.pid || !Number.isInteger(owner.pid)) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Holds an exclusive lock on the data directory while the embedded database is open. PGlite gives
 * a second process on the same directory no error and silently loses writes, so Huiju refuses.
 * The lock is refreshed every 5 s; one left by a killed process goes stale after 15 s, or after 2 s
 * when its recorded owner is a process of this host that no longer exists (a restart after a crash,
 * found by the fault harness to wait 15 s).
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  fs.mkdirSync(dataDir, { recursive: true });
  const options = {
    lockfilePath: path.join(dataDir, 'huiju.lock'),
    stale: 15_000,
    update: 5_000,
    realpath: false,
    onCompromised: (error: Error) => {
      console.error(`Lost the lock on the data directory ${dataDir}: ${error.message}. Stopping to protect the data.`);
      process.exit(1);
    },
  };
  let release: () => Promise<void>;
  try {
    try {
      release = await lockfile.lock(dataDir, options);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED' || !ownerIsGone(dataDir)) throw error;
      // A lock refreshed by a live owner is never 2 s old for long; a dead owner's stops being refreshed.
      release = await lockfile.lock(dataDir, { ...options, stale: 2_000, update: 1_000, retries: { retries: 12, minTimeout: 500, maxTimeout: 500 } });
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new DataDirLockedError(
        `Another Huiju process is using the data directory ${dataDir} (lock ${path.join(dataDir, 'huiju.lock')}).\n` +
          'Stop it first, or give this process its own directory with HUIJU_DATA_DIR. ' +
          'If no other process is running, the lock is released within 15 seconds.',
      );
    }
    throw error;
  }
  fs.writeFileSync(ownerFileOf(dataDir), JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies Owner));
  return async () => {
    fs.rmSync(ownerFileOf(dataDir), { force: true });
    await release();
  };
}
