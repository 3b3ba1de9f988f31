import path from 'node:path';
import type { Config } from '../config';
import { LocalFileStore, type FileStore } from './file-store';

/**
 * The store HUIJU_STORAGE names: HUIJU_DATA_DIR/files, or the S3 bucket with a local staging
 * directory. The AWS SDK is loaded only for S3 (it adds ≈0.5 s to every start and CLI command).
 */
export async function openFileStore(config: Pick<Config, 'dataDir' | 'storage'>): Promise<FileStore> {
  if (config.storage.kind === 'local') return new LocalFileStore(path.join(config.dataDir, 'files'));
  const { S3FileStore } = await import('./s3-file-store');
  return new S3FileStore(config.storage, path.join(config.dataDir, 'staging'));
}
