import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  executables,
  hostilePdfs,
  lyingDirectoryDocx,
  macroContentTypeDocx,
  manyEntriesDocx,
  overlappingDocx,
  encryptedPdf,
  pdfWith,
  plainDocx,
  stampedPdf,
  vbaDocx,
  word97,
} from '../../src/server/features/files/hostile-files.fixture';
import { solidPng } from '../support/png';
import { createUser, regionalUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

/**
 * The hostile upload corpus (issue 9): every file is generated here, sent as a browser would, and
 * must be refused with a Chinese problem naming the field — with nothing stored: no row, no byte
 * on disk (this app has a storage directory of its own, so every file in it is accounted for), no
 * audit entry of an upload.
 */
let t: TestApp;
let client: Client;
let sandbox: string;
let storeDir: string;
beforeAll(async () => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-corpus-'));
  storeDir = path.join(sandbox, 'store');
  t = await createTestApp({ filesDir: storeDir });
  const unit = await regionalUnit(t.db, '3201');
  const user = await createUser(t.db, unit.id, ['campaign_manager']);
  client = await signIn(t.app, user.username, user.password);
});
afterAll(async () => {
  await t.close();
  fs.rmSync(sandbox, { recursive: true, force: true });
});

/** The multipart body a browser sends; the file name goes in as raw UTF-8 bytes, control characters included. */
function upload(file: Buffer, filename: string) {
  const boundary = '----huiju-corpus-boundary';
  return client.request({
    method: 'POST',
    url: '/api/v1/files',
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="`),
      Buffer.from(filename, 'utf8'),
      Buffer.from(`"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'accept-language': 'zh-CN' },
  });
}

/** Every regular file under a directory, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function storedState() {
  const rows = Number((await t.db.selectFrom('stored_files').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const audits = Number(
    (await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('action', '=', 'file.upload').executeTakeFirstOrThrow()).n,
  );
  return { rows, audits, files: filesUnder(storeDir).sort(), sandbox: fs.readdirSync(sandbox).sort() };
}

type Case = [label: string, file: () => Buffer | Promise<Buffer>, name: string, status: number, code: string];

const pdf = pdfWith('');
const cases: Case[] = [
  // Content against extension
  ['a Windows executable (MZ/PE) renamed .pdf', () => executables.pe, 'report.pdf', 422, 'file_executable'],
  ['a Linux executable (ELF) renamed .pdf', () => executables.elf, 'report.pdf', 422, 'file_executable'],
  ['a macOS executable (Mach-O) renamed .docx', () => executables.machO, 'report.docx', 422, 'file_executable'],
  ['a shell script renamed .pdf', () => executables.script, 'report.pdf', 422, 'file_executable'],
  ['a PNG named .pdf', () => solidPng(8, 8), 'scan.pdf', 422, 'file_content_mismatch'],
  ['a PDF named .docx', () => pdf, 'report.docx', 422, 'file_content_mismatch'],
  ['plain text named .pdf', () => Buffer.from('not a document at all'), 'notes.pdf', 415, 'unsupported_file'],
  // Active PDFs
  ...hostilePdfs.map(([label, file]): Case => [`a PDF with ${label}`, () => file, '活动方案.pdf', 422, 'file_pdf_active']),
  ['an encrypted PDF whose object streams cannot be read', encryptedPdf, '盖章材料.pdf', 422, 'file_pdf_encrypted'],
  // Office zips
  ['a Word zip bomb whose directory lies about its sizes', () => lyingDirectoryDocx(40), 'report.docx', 422, 'file_zip_bomb'],
  ['a Word zip bomb of overlapping entries', () => overlappingDocx(400, 1), 'report.docx', 422, 'file_zip_bomb'],
  ['a Word file of 5,001 parts', () => manyEntriesDocx(5_001), 'report.docx', 422, 'file_zip_bomb'],
  ['a .docm with a VBA project', vbaDocx, 'report.docm', 422, 'file_has_macros'],
  ['a .docx carrying vbaProject.bin', vbaDocx, 'report.docx', 422, 'file_has_macros'],
  ['a .docx with a macro-enabled content type', macroContentTypeDocx, 'report.docx', 422, 'file_has_macros'],
  ['a Word 97 .doc with a VBA project', () => word97(true), 'report.doc', 422, 'file_has_macros'],
  // Names (the content is a clean PDF)
  ['a name climbing out with ../', () => pdf, '../../../etc/cron.d/huiju.pdf', 422, 'file_name_invalid'],
  ['an absolute name', () => pdf, '/tmp/huiju-escape.pdf', 422, 'file_name_invalid'],
  ['a Windows path', () => pdf, '..\\..\\huiju-escape.pdf', 422, 'file_name_invalid'],
  ['a NUL in the name', () => pdf, 'report.pdf\u0000.exe', 422, 'file_name_invalid'],
  ['control characters in the name', () => pdf, '报告\u001b[2J\u0007.pdf', 422, 'file_name_invalid'],
  ['a right-to-left override disguising the extension', () => pdf, '报告\u202Efdp.exe', 422, 'file_name_invalid'],
  // Size
  ['a file over 20 MB', () => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(21 * 1024 * 1024, 0x20)]), 'big.pdf', 413, 'file_too_large'],
];

describe('hostile upload corpus', () => {
  it.each(cases)('refuses %s, naming the field, storing nothing', async (_label, make, name, status, code) => {
    const before = await storedState();
    const response = await upload(await make(), name);
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem.code).toBe(code);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'file' })]);
    // A Chinese sentence that names the field (文件) — not a bare code.
    expect(problem.detail).toMatch(/[\u4e00-\u9fff]{4,}/);
    expect(problem.detail).toContain('文件');
    expect(await storedState()).toEqual(before);
  });

  it('left nothing anywhere: the storage directory holds no file and nothing was written beside it', async () => {
    expect(filesUnder(storeDir)).toEqual([]);
    expect(fs.readdirSync(sandbox)).toEqual(['store']);
    expect(fs.existsSync('/tmp/huiju-escape.pdf')).toBe(false);
    expect(fs.existsSync(path.resolve(storeDir, '../../huiju-escape.pdf'))).toBe(false);
  });

  it('names what it refuses in the message: the kind of active content, the macro, the limit', async () => {
    const active = (await upload(hostilePdfs[0]![1], '方案.pdf')).json();
    expect(active.detail).toContain('/JavaScript');
    expect(active.detail).toContain('方案.pdf');
    const big = (await upload(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(21 * 1024 * 1024, 0x20)]), 'big.pdf')).json();
    expect(big.detail).toContain('20 MB');
    const encrypted = (await upload(encryptedPdf(), '盖章材料.pdf')).json();
    expect(encrypted.detail).toContain('盖章材料.pdf');
    expect(encrypted.detail).toContain('加密');
    expect(encrypted.code).toBe('file_pdf_encrypted');
  });

  it('accepts the look-alikes: a plain Word file, and a name whose reserved characters are dropped from the display name', async () => {
    const docx = await upload(await plainDocx(), '活动方案.docx');
    expect(docx.statusCode, docx.body).toBe(201);
    const doc = await upload(word97(false), '活动方案.doc');
    expect(doc.statusCode, doc.body).toBe(201);
    const odd = await upload(pdf, '报告<草稿>?.pdf');
    expect(odd.statusCode, odd.body).toBe(201);
    expect(odd.json().name).toBe('报告草稿.pdf');
    const rows = await t.db.selectFrom('stored_files').select('storage_key').execute();
    // Storage names are generated: nothing of the sent name reaches the file system.
    expect(rows.map((r) => r.storage_key).every((key) => /^[0-9a-f]{2}\/[0-9a-f-]{36}$/.test(key))).toBe(true);
    expect(filesUnder(storeDir).sort()).toEqual(rows.map((r) => r.storage_key).sort());
  });
});

describe('stamped PDFs', () => {
  it('are stored byte for byte with their SHA-256 and download identical under their Chinese name (RFC 6266 filename*)', async () => {
    const stamped = await stampedPdf();
    const sha256 = createHash('sha256').update(stamped).digest('hex');
    const name = '关于开展2026年全国科技工作者日活动的报告（盖章）.pdf';
    const response = await upload(stamped, name);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ name, kind: 'pdf', size: stamped.length, sha256 });
    const row = await t.db.selectFrom('stored_files').selectAll().where('id', '=', response.json().id).executeTakeFirstOrThrow();
    expect(row.sha256).toBe(sha256);
    // On disk: the very bytes, never re-rendered.
    expect(fs.readFileSync(path.join(storeDir, row.storage_key)).equals(stamped)).toBe(true);

    const download = await client.get(`/api/v1/files/${row.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.rawPayload.equals(stamped)).toBe(true);
    expect(createHash('sha256').update(download.rawPayload).digest('hex')).toBe(sha256);
    const disposition = String(download.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)![1]!;
    expect(decodeURIComponent(encoded)).toBe(name);
    // RFC 5987 attr-char only: no raw quote, space or non-ASCII byte in the extended value.
    expect(encoded).toMatch(/^[A-Za-z0-9!#$&+.^_`|~%'()*-]+$/);
  });
});
