import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, regionalUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

let t: TestApp;
let nanjing: Client;
let suzhou: Client;
let nanjingUnitId: number;
beforeAll(async () => {
  t = await createTestApp();
  const nj = await regionalUnit(t.db, '3201');
  const sz = await regionalUnit(t.db, '3205');
  nanjingUnitId = nj.id;
  const njUser = await createUser(t.db, nj.id, ['campaign_manager']);
  const szUser = await createUser(t.db, sz.id, ['campaign_manager']);
  nanjing = await signIn(t.app, njUser.username, njUser.password);
  suzhou = await signIn(t.app, szUser.username, szUser.password);
});
afterAll(() => t.close());

function multipart(file: Buffer, filename: string) {
  const boundary = '----huiju-files-boundary';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
const upload = (client: Client, file: Buffer, filename: string) => client.request({ method: 'POST', url: '/api/v1/files', ...multipart(file, filename) });

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
const storedCount = async () => Number((await t.db.selectFrom('stored_files').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

describe('uploads', () => {
  it('stores a PDF under a generated name with its SHA-256, and downloads it with its Chinese name', async () => {
    const response = await upload(nanjing, pdf, '活动方案（盖章）.pdf');
    expect(response.statusCode, response.body).toBe(201);
    const file = response.json();
    expect(file).toMatchObject({ name: '活动方案（盖章）.pdf', kind: 'pdf', size: pdf.length });
    expect(file.sha256).toBe((await import('node:crypto')).createHash('sha256').update(pdf).digest('hex'));
    const row = await t.db.selectFrom('stored_files').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow();
    expect(row.storage_key).not.toContain('活动');
    const download = await nanjing.get(`/api/v1/files/${file.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect(download.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('活动方案（盖章）.pdf')}`);
    // Another city cannot fetch it, not even to learn it exists.
    expect((await suzhou.get(`/api/v1/files/${file.id}`)).statusCode).toBe(404);
  });

  it.each([
    ['an executable renamed .pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500, 1)]), 'report.pdf', 422],
    ['a PDF named .docx', pdf, 'report.docx', 422],
    ['plain text', Buffer.from('hello, this is not a document'), 'notes.pdf', 415],
  ])('refuses %s, storing nothing', async (_label, bytes, name, status) => {
    const before = await storedCount();
    const response = await upload(nanjing, bytes, name);
    expect(response.statusCode).toBe(status);
    expect(response.json().errors[0].field).toBe('file');
    expect(response.json().detail.length).toBeGreaterThan(5);
    expect(await storedCount()).toBe(before);
  });

  it('refuses a Word file that unpacks to far more than it weighs (zip bomb), and one carrying macros', async () => {
    const before = await storedCount();
    const bomb = await zipOf([
      ['[Content_Types].xml', Buffer.from('<Types/>')],
      ['word/document.xml', Buffer.alloc(40 * 1024 * 1024, 0x20)],
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const refused = await upload(nanjing, bomb, 'report.docx');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('file_zip_bomb');
    const macro = await zipOf([
      ['[Content_Types].xml', Buffer.from('<Types/>')],
      ['word/document.xml', Buffer.from('<w:document/>')],
      ['word/vbaProject.bin', Buffer.from('macro')],
    ]);
    const macroRefused = await upload(nanjing, macro, 'report.docx');
    expect(macroRefused.statusCode).toBe(422);
    expect(macroRefused.json().code).toBe('file_has_macros');
    expect(await storedCount()).toBe(before);
  });

  it('refuses a file over 20 MB with the limit in the message', async () => {
    const before = await storedCount();
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(21 * 1024 * 1024, 0x20)]);
    const response = await upload(nanjing, big, 'big.pdf');
    expect(response.statusCode).toBe(413);
    expect(response.json().detail).toContain('20 MB');
    expect(await storedCount()).toBe(before);
  });

  it('lets readers of a notice download its attachment, and nobody else', async () => {
    const file = (await upload(nanjing, pdf, '实施方案.pdf')).json();
    const xuanwu = await regionalUnit(t.db, '320102');
    const draft = await nanjing.post('/api/v1/notices', {
      issuerUnitId: nanjingUnitId,
      documentNumber: '宁科协发〔2021〕3号',
      title: '关于附件测试的通知',
      addresseeRules: [{ kind: 'units', unitIds: [xuanwu.id] }],
      attachments: [{ fileId: file.id, name: '2021年实施方案' }],
    });
    expect(draft.statusCode, draft.body).toBe(201);
    await nanjing.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
    const xwUser = await createUser(t.db, xuanwu.id, ['contact']);
    const xw = await signIn(t.app, xwUser.username, xwUser.password);
    const url = `/api/v1/notices/${draft.json().id}/attachments/${file.id}`;
    const ok = await xw.get(url);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-disposition']).toContain(encodeURIComponent('2021年实施方案.pdf'));
    expect((await suzhou.get(url)).statusCode).toBe(404);
    // A file of another unit cannot be attached.
    const szFile = (await upload(suzhou, pdf, 'sz.pdf')).json();
    const stolen = await nanjing.post('/api/v1/notices', {
      issuerUnitId: nanjingUnitId,
      title: '关于借用附件的通知',
      attachments: [{ fileId: szFile.id, name: '别人的文件' }],
    });
    expect(stolen.statusCode).toBe(422);
    expect(stolen.json().errors[0].field).toBe('attachments.0.fileId');
  });
});

function zipOf(entries: [string, Buffer][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of entries) zip.addBuffer(content, name, { compress: true });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
