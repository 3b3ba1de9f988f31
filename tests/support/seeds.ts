import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real notices in ../shared/seeds/ (beside the repository), read at run time and never copied
 * into the project. HUIJU_SEEDS_DIR points elsewhere when the checkout lives apart from them.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function seedsDir(): string {
  const candidates = [process.env.HUIJU_SEEDS_DIR, path.resolve(repoRoot, '../shared/seeds'), '/work/shared/seeds'].filter(Boolean) as string[];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'README.md')));
  if (!found) throw new Error(`The seed notices were not found (looked in ${candidates.join(', ')}); set HUIJU_SEEDS_DIR.`);
  return found;
}

export function seedPath(name: string): string {
  return path.join(seedsDir(), name);
}
