import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export class DataDirLockedError extends Error {}

/**
 * Holds an exclusive lock on the data directory while the embedded database is open. PGlite gives
 * a second process on the same directory no error and silently loses writes, so Huiju refuses.
 * The lock is refreshed every 5 s; one left by a killed process goes stale after 15 s.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, 'huiju.lock'),
      stale: 15_000,
      update: 5_000,
      realpath: false,
      onCompromised: (error) => {
        console.error(`Lost the lock on the data directory ${dataDir}: ${error.message}. Stopping to protect the data.`);
        process.exit(1);
      },
    });
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
}
