import path from 'node:path';
import type { Config } from '../config';
import { LocalFileStore, type FileStore } from './file-store';
import { S3FileStore } from './s3-file-store';

/** The store HUIJU_STORAGE names: HUIJU_DATA_DIR/files, or the S3 bucket with a local staging directory. */
export function openFileStore(config: Pick<Config, 'dataDir' | 'storage'>): FileStore {
  if (config.storage.kind === 'local') return new LocalFileStore(path.join(config.dataDir, 'files'));
  return new S3FileStore(config.storage, path.join(config.dataDir, 'staging'));
}
