import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipOf } from '../../src/server/features/files/hostile-files.fixture';
import { S3FileStore } from '../../src/server/storage/s3-file-store';
import { readZipDirectory } from '../../src/server/storage/zip-directory';
import { jiangsuItem, issueJiangsuNotice, jiangsuScenario } from '../support/jiangsu-scenario';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

/** The app configured with S3 storage (s3rver on loopback): uploads, downloads and the files.zip go through the bucket. */
let s3: S3TestServer;
let t: TestApp;
let staging: string;
let province: Client;
let nanjing: Client;
const year = 2028;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function multipart(file: Buffer, filename: string) {
  const boundary = '----huiju-s3-boundary';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A PDF of about `bytes` bytes: random hex digits, so no two uploads are alike and no PDF name appears. */
const pdfOf = (bytes: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(randomBytes(bytes / 2).toString('hex')), Buffer.from('\n%%EOF\n')]);

async function bucketKeys() {
  const client = new S3Client({ endpoint: s3.settings.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const page = await client.send(new ListObjectsV2Command({ Bucket: s3.settings.bucket }));
  return (page.Contents ?? []).map((o) => o.Key!);
}

beforeAll(async () => {
  s3 = await startS3Server();
  staging = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-s3-staging-'));
  t = await createTestApp({ files: new S3FileStore(s3.settings, staging) });
  const s = await jiangsuScenario(t.db);
  province = await signIn(t.app, s.people.province.username, s.people.province.password);
  nanjing = await signIn(t.app, s.people.nanjing.username, s.people.nanjing.password);
  ({ taskId } = await issueJiangsuNotice(province, s.jiangsu.id, { year, deadline: `${year}-05-12`, documentSerial: 77 }));
}, 120_000);
afterAll(async () => {
  await t?.close();
  await s3?.stop();
  fs.rmSync(staging, { recursive: true, force: true });
});
let taskId: number;

describe('files in S3-compatible storage', () => {
  it('uploads into the bucket under its storage key and downloads the same bytes, keeping nothing staged', async () => {
    const pdf = pdfOf(3 * 1024 * 1024);
    const response = await nanjing.request({ method: 'POST', url: '/api/v1/files', ...multipart(pdf, '活动方案（盖章）.pdf') });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().sha256).toBe(sha256(pdf));
    const row = await t.db.selectFrom('stored_files').select('storage_key').where('id', '=', response.json().id).executeTakeFirstOrThrow();
    expect(await bucketKeys()).toContain(row.storage_key);
    expect((await bucketKeys()).filter((k) => k.startsWith('tmp/'))).toEqual([]);
    expect(fs.readdirSync(staging)).toEqual([]);
    const download = await nanjing.get(`/api/v1/files/${response.json().id}`);
    expect(download.statusCode).toBe(200);
    expect(sha256(download.rawPayload)).toBe(sha256(pdf));
  });

  it('refuses a file by its content and keeps nothing of it in the bucket', async () => {
    const before = await bucketKeys();
    const refused = await nanjing.request({ method: 'POST', url: '/api/v1/files', ...multipart(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500, 1)]), 'report.pdf') });
    expect(refused.statusCode).toBe(422);
    expect(await bucketKeys()).toEqual(before);
    expect(fs.readdirSync(staging)).toEqual([]);
  });

  it('judges a Word file by its zip directory (read from the upload’s local staging copy) and refuses macros and oversize files, keeping nothing', async () => {
    const docx = await zipOf([
      ['[Content_Types].xml', Buffer.from('<Types/>')],
      ['word/document.xml', Buffer.from('<w:document>科技工作者日</w:document>')],
    ]);
    const accepted = await nanjing.request({ method: 'POST', url: '/api/v1/files', ...multipart(docx, '实施方案.docx') });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json().kind).toBe('docx');
    expect(sha256((await nanjing.get(`/api/v1/files/${accepted.json().id}`)).rawPayload)).toBe(sha256(docx));
    const before = await bucketKeys();
    const macro = await zipOf([
      ['[Content_Types].xml', Buffer.from('<Types/>')],
      ['word/document.xml', Buffer.from('<w:document/>')],
      ['word/vbaProject.bin', Buffer.from('macro')],
    ]);
    const refused = await nanjing.request({ method: 'POST', url: '/api/v1/files', ...multipart(macro, '宏.docx') });
    expect(refused.json().code).toBe('file_has_macros');
    const big = await nanjing.request({ method: 'POST', url: '/api/v1/files', ...multipart(pdfOf(21 * 1024 * 1024), 'big.pdf') });
    expect(big.statusCode).toBe(413);
    expect(await bucketKeys()).toEqual(before);
    expect(fs.readdirSync(staging)).toEqual([]);
  });

  it('builds the task’s files.zip from the bucket with the uploaded bytes', async () => {
    const stamped = pdfOf(200_000);
    const uploaded = await nanjing.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/files?field=stampedPdf`, ...multipart(stamped, '南京市科协盖章版.pdf') });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const items = [jiangsuItem(1, year, 'p1'), jiangsuItem(2, year, 'p2'), jiangsuItem(3, year, 'p3')];
    const saved = await nanjing.put(`/api/v1/collection-tasks/${taskId}/submission`, {
      values: { fields: { stampedPdf: [{ fileId: uploaded.json().id, name: '南京市科协盖章版.pdf' }] }, items },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const submitted = await nanjing.post(`/api/v1/collection-tasks/${taskId}/submission/submit`, { version: saved.json().version });
    expect(submitted.statusCode, submitted.body).toBe(200);

    const zip = await province.get(`/api/v1/collection-tasks/${taskId}/files.zip`);
    expect(zip.statusCode).toBe(200);
    expect(Number(zip.headers['content-length'])).toBe(zip.rawPayload.length);
    const entries = readZipDirectory(zip.rawPayload, zip.rawPayload.length)!;
    expect(entries.map((e) => e.name)).toEqual(['南京市科协/南京市科协盖章版.pdf']);
    // Stored, not compressed: the entry's bytes follow its local header.
    const entry = entries[0]!;
    const nameLength = zip.rawPayload.readUInt16LE(entry.localHeaderOffset + 26);
    const extraLength = zip.rawPayload.readUInt16LE(entry.localHeaderOffset + 28);
    const start = entry.localHeaderOffset + 30 + nameLength + extraLength;
    expect(sha256(zip.rawPayload.subarray(start, start + entry.compressedSize))).toBe(sha256(stamped));
  });
});
