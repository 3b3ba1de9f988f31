import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';

describe('HUIJU_STORAGE settings', () => {
  it('defaults to the local directory', () => {
    expect(loadConfig({}).storage).toEqual({ kind: 'local' });
  });

  it('reads the S3 settings, path-style when asked', () => {
    const config = loadConfig({
      HUIJU_STORAGE: 's3',
      HUIJU_S3_ENDPOINT: 'http://127.0.0.1:9000',
      HUIJU_S3_BUCKET: 'huiju-files',
      HUIJU_S3_ACCESS_KEY_ID: 'id',
      HUIJU_S3_SECRET_ACCESS_KEY: 'secret',
      HUIJU_S3_FORCE_PATH_STYLE: 'true',
    });
    expect(config.storage).toEqual({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      bucket: 'huiju-files',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
  });

  it('refuses incomplete or bad S3 settings, naming the variable', () => {
    expect(() => loadConfig({ HUIJU_STORAGE: 's3' })).toThrow(/HUIJU_S3_BUCKET: required when HUIJU_STORAGE=s3/);
    expect(() => loadConfig({ HUIJU_STORAGE: 's3', HUIJU_S3_BUCKET: 'huiju', HUIJU_S3_ACCESS_KEY_ID: 'id' })).toThrow(/HUIJU_S3_SECRET_ACCESS_KEY: required with HUIJU_S3_ACCESS_KEY_ID/);
    expect(() => loadConfig({ HUIJU_STORAGE: 's3', HUIJU_S3_BUCKET: 'Huiju_Files' })).toThrow(/HUIJU_S3_BUCKET: must be a bucket name/);
    expect(() => loadConfig({ HUIJU_STORAGE: 's3', HUIJU_S3_BUCKET: 'huiju', HUIJU_S3_ENDPOINT: 'minio:9000' })).toThrow(/HUIJU_S3_ENDPOINT/);
    expect(() => loadConfig({ HUIJU_STORAGE: 'nfs' })).toThrow(/HUIJU_STORAGE/);
  });
});
