import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, regionalUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { testAdmin } from '../support/template';
import { openRow } from '../../src/server/crypto/personal-data';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, testAdmin.username, testAdmin.password);
});
afterAll(() => t.close());

const header = ['单位全称', '单位简称', '单位类型', '级别', '上级单位', '行政区划代码', '标签', '联系人', '办公电话', '手机', '传真', '电子邮箱', '邮寄地址'];

async function xlsx(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名册');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function multipart(file: Buffer, filename: string) {
  const boundary = '----huiju-test-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, file, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const upload = (client: Client, file: Buffer, filename: string, dryRun = false) => {
  const { payload, headers } = multipart(file, filename);
  return client.request({ method: 'POST', url: `/api/v1/units/import?dryRun=${dryRun}`, payload, headers });
};

const goodRows = [
  ['南京市化学化工学会', '南京化学化工学会', '学会', '市级', '南京市科协', '', '化工', '赵六', '025-83000000', '13700000000', '', 'chem@example.cn', '南京市鼓楼区中山路1号'],
  ['南京市化学化工学会青年工作委员会', '化工学会青委会', '分支机构', '', '南京市化学化工学会', '', '', '', '', '', '', '', ''],
  ['南京大学科学技术协会', '南京大学科协', '高校科协', '', '南京市科协', '', '高校', '钱七', '', '13600000000', '', 'nju@example.cn', ''],
];

describe('roster import', () => {
  it('imports every row of a valid .xlsx, children after parents, and audits it', async () => {
    const response = await upload(admin, await xlsx(goodRows), 'roster.xlsx');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ applied: true, created: 3, updated: 0, rejected: 0 });
    const branch = await t.db.selectFrom('units').selectAll().where('name', '=', '南京市化学化工学会青年工作委员会').executeTakeFirstOrThrow();
    const society = await t.db.selectFrom('units').selectAll().where('name', '=', '南京市化学化工学会').executeTakeFirstOrThrow();
    expect(branch.parent_id).toBe(society.id);
    expect(branch.level).toBe('city');
    expect(society.tags).toEqual(['化工']);
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'unit.import').execute();
    expect(audit.at(-1)!.details).toMatchObject({ created: 3 });
  });

  it('updates the details of units that already exist, matched by parent and name', async () => {
    const rows = [['南京大学科学技术协会', '南京大学科协', '高校科协', '', '南京市科协', '', '', '孙八', '', '13500000000', '', '', '']];
    const response = await upload(admin, await xlsx(rows), 'update.xlsx');
    expect(response.json()).toMatchObject({ applied: true, created: 0, updated: 1 });
    const unit = openRow('units', await t.db.selectFrom('units').selectAll().where('name', '=', '南京大学科学技术协会').executeTakeFirstOrThrow());
    expect(unit.contact_name).toBe('孙八');
    expect(unit.contact_mobile).toBe('13500000000');
    expect(unit.contact_email).toBe('nju@example.cn');
  });

  it('rejects the whole file when one row is bad, saying why for that row, and writes nothing', async () => {
    const before = await t.db.selectFrom('units').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const rows = [
      ['南京市物理学会', '南京物理学会', '学会', '市级', '南京市科协', '', '', '', '', '', '', '', ''],
      ['南京市天文学会', '南京天文学会', '星际组织', '市级', '南京市科协', '', '', '', '', '139', '', 'bad-mail', ''],
      ['南京市数学学会', '南京数学学会', '学会', '市级', '不存在的科协', '', '', '', '', '', '', '', ''],
      ['', '', '学会', '', '南京市科协', '', '', '', '', '', '', '', ''],
    ];
    const response = await upload(admin, await xlsx(rows), 'bad.xlsx');
    expect(response.statusCode).toBe(422);
    const report = response.json();
    expect(report).toMatchObject({ applied: false, rejected: 3 });
    const byRow = Object.fromEntries(report.rows.map((r: { row: number; problems: string[] }) => [r.row, r.problems.join('；')]));
    expect(byRow[2]).toBe('');
    expect(byRow[3]).toMatch(/单位类型“星际组织”无法识别/);
    expect(byRow[3]).toMatch(/电子邮箱“bad-mail”格式不正确/);
    expect(byRow[4]).toMatch(/找不到上级单位“不存在的科协”/);
    expect(byRow[5]).toMatch(/单位全称为必填项/);
    const after = await t.db.selectFrom('units').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('checks without writing on a dry run', async () => {
    const rows = [['南京市生物学会', '南京生物学会', '学会', '市级', '南京市科协', '', '', '', '', '', '', '', '']];
    const response = await upload(admin, await xlsx(rows), 'dry.xlsx', true);
    expect(response.json()).toMatchObject({ applied: false, created: 1, rejected: 0 });
    expect(await t.db.selectFrom('units').select('id').where('name', '=', '南京市生物学会').execute()).toEqual([]);
  });

  it('reads a CSV saved by Excel in GB18030', async () => {
    const csv = `${header.join(',')}\n南京市地理学会,南京地理学会,学会,市级,南京市科协,,,,,,,,\n`;
    const bytes = toGb18030(csv);
    expect(bytes).toBeDefined();
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const response = await upload(admin, bytes!, 'roster.csv');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ applied: true, created: 1 });
  });

  it('refuses a parent outside the importer’s subtree', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['unit_admin']);
    const client = await signIn(t.app, user.username, user.password);
    const rows = [['杭州市某学会', '杭州某学会', '学会', '', '杭州市科协', '', '', '', '', '', '', '', '']];
    const response = await upload(client, await xlsx(rows), 'x.xlsx');
    expect(response.statusCode).toBe(422);
    expect(response.json().rows[0].problems[0]).toMatch(/找不到上级单位“杭州市科协”/);
  });

  it('refuses a file that is neither xlsx nor csv, judged by content', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0)]);
    const response = await upload(admin, exe, 'roster.xlsx');
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('unsupported_file');
  });
});

/** GB18030 bytes of `text` (Node can decode GB18030 but not encode it): built from a code table of the characters used. */
function toGb18030(text: string): Buffer | undefined {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, Buffer>();
  // Search the two-byte GBK space once for the characters needed.
  const needed = new Set([...text].filter((c) => c.charCodeAt(0) > 0x7f));
  for (let hi = 0x81; hi <= 0xfe && table.size < needed.size; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      const bytes = Buffer.from([hi, lo]);
      const ch = decoder.decode(bytes);
      if (needed.has(ch) && !table.has(ch)) table.set(ch, bytes);
    }
  }
  if (table.size < needed.size) return undefined;
  return Buffer.concat([...text].map((c) => (c.charCodeAt(0) <= 0x7f ? Buffer.from(c) : table.get(c)!)));
}
