import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { S3Settings } from '../../src/server/storage/s3-file-store';

export interface S3TestServer {
  settings: S3Settings;
  /** The same settings as HUIJU_S3_* variables, for a configured app or a CLI run. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts s3rver on a random loopback port with a fresh directory and one empty bucket. */
export async function startS3Server(): Promise<S3TestServer> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-s3rver-'));
  const bucket = `huiju-${randomUUID().slice(0, 8)}`;
  const child = spawn(process.execPath, [path.resolve('tests/support/s3rver-main.mjs'), directory, bucket], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await Promise.race([
    once(child.stdout, 'data'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`s3rver exited with ${String(code)}`);
    }),
  ])) as [Buffer];
  const { port } = JSON.parse(line.toString()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    settings: { endpoint, region: 'us-east-1', bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true },
    env: {
      HUIJU_STORAGE: 's3',
      HUIJU_S3_ENDPOINT: endpoint,
      HUIJU_S3_BUCKET: bucket,
      HUIJU_S3_ACCESS_KEY_ID: 'S3RVER',
      HUIJU_S3_SECRET_ACCESS_KEY: 'S3RVER',
      HUIJU_S3_FORCE_PATH_STYLE: 'true',
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
