import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { convertWithLibreOffice, libreOfficeAvailable, pdfToText, pdfToTextAvailable } from '../../../tests/support/libreoffice';
import { composeNotice, type NoticeDocumentInput } from './notice-document';
import { renderNoticeDocx } from './notice-docx';
import { seedNotice } from './seed-notice.fixture';

/** Reads the entries of a zip (a .docx) from its central directory, inflating each. */
function unzip(zip: Buffer): Map<string, Buffer> {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let position = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(position) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(position + 10);
    const compressedSize = zip.readUInt32LE(position + 20);
    const nameLength = zip.readUInt16LE(position + 28);
    const extraLength = zip.readUInt16LE(position + 30);
    const commentLength = zip.readUInt16LE(position + 32);
    const localHeader = zip.readUInt32LE(position + 42);
    const name = zip.toString('utf8', position + 46, position + 46 + nameLength);
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    position += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

/** Text of a document part without markup, for checks that ignore how Word splits runs. */
const xmlText = (xml: string) => xml.replace(/<w:br\/>/g, '\n').replace(/<[^>]+>/g, '');
const squeeze = (text: string) => text.replace(/\s+/g, '');

const { input: seed } = seedNotice();

describe('renderNoticeDocx', () => {
  it('renders the seed notice as a valid .docx whose document part holds the title, 文号 and addressees', async () => {
    const docx = await renderNoticeDocx(seed);
    expect(docx.subarray(0, 2).toString('latin1')).toBe('PK');
    const files = unzip(docx);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', 'word/settings.xml']));
    const xml = files.get('word/document.xml')!.toString('utf8');
    const text = xmlText(xml);
    expect(squeeze(text)).toContain(squeeze(seed.title));
    expect(text).toContain(seed.documentNumber);
    expect(text).toContain('各市级学会，各区市科协，各企业科协，各高校科协，市科协机关各部室、科技馆：');
    expect(text).toContain('联系人：许超，电话：6203817');
    expect(text).toContain(`附件：${seed.attachments[0]}`);
    expect(text).toContain('2021年4月30日');
    // The title is set in the balanced lines composeNotice chose, joined by line breaks.
    for (const line of composeNotice(seed).titleLines) expect(text).toContain(line);
  });

  it('sets the GB/T 9704 page, fonts, red header, rule and page numbers', async () => {
    const files = unzip(await renderNoticeDocx(seed));
    const xml = files.get('word/document.xml')!.toString('utf8');
    // A4, margins 37/35/28/26 mm; no snapping grid (exact 28.95 pt lines instead).
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(xml).toMatch(/<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/);
    expect(xml).toMatch(/<w:docGrid w:type="default" w:linePitch="579"\/>/);
    // Latin text is English so LibreOffice does not break numbers and e-mail addresses like Chinese.
    expect(files.get('word/styles.xml')!.toString('utf8')).toContain('<w:lang w:val="en-US" w:eastAsia="zh-CN"/>');
    // CJK fonts named for every script slot, so Word and WPS use them for Chinese text.
    expect(xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(xml).toContain('w:ascii="仿宋_GB2312"');
    expect(xml).toContain('w:eastAsia="仿宋_GB2312"');
    expect(xml).toContain('w:eastAsia="黑体"');
    // The issuer in red and the red rule under the 文号.
    expect(xml).toContain('<w:color w:val="E60012"/>');
    expect(xml).toMatch(/<w:bottom w:val="single" w:color="E60012" w:sz="12" w:space="11"\/>/);
    // Body: 3号, exact 28.95 pt lines, first line indented two characters.
    expect(xml).toContain('<w:sz w:val="32"/>');
    expect(xml).toContain('w:line="579" w:lineRule="exact"');
    expect(xml).toContain('<w:ind w:firstLine="630"/>');
    // Odd and even page footers with the page field.
    expect(files.get('word/settings.xml')!.toString('utf8')).toContain('<w:evenAndOddHeaders/>');
    const footers = [...files.entries()].filter(([name]) => /^word\/footer\d+\.xml$/.test(name)).map(([, data]) => data.toString('utf8'));
    expect(footers).toHaveLength(2);
    for (const footer of footers) expect(footer).toMatch(/PAGE/);
    expect(footers.some((f) => f.includes('<w:jc w:val="right"/>'))).toBe(true);
    expect(footers.some((f) => f.includes('<w:jc w:val="left"/>'))).toBe(true);
  });

  it('writes tables with merged cells, headings in 黑体 and 楷体, and rich runs', async () => {
    const input: NoticeDocumentInput = {
      ...seed,
      bodyHtml:
        '<h1>一、指导思想</h1><h2>（一）第一阶段</h2><p><strong>加粗</strong><em>斜体</em><u>下划线</u>换行<br>第二行</p>' +
        '<table><tr><th>项目</th><th colspan="2">内容</th></tr><tr><td rowspan="2">联系人</td><td>姓名</td><td>电话</td></tr><tr><td>手机</td><td>传真</td></tr></table>',
    };
    const xml = unzip(await renderNoticeDocx(input)).get('word/document.xml')!.toString('utf8');
    expect(xml).toContain('<w:gridSpan w:val="2"/>');
    expect(xml).toContain('<w:vMerge w:val="restart"/>');
    expect(xml).toContain('<w:vMerge w:val="continue"/>');
    expect(xml).toContain('<w:tblHeader/>');
    expect(xml).toContain('w:eastAsia="楷体_GB2312"');
    expect(xml).toMatch(/<w:b\/>.*加粗/s);
    expect(xml).toMatch(/<w:i\/>.*斜体/s);
    expect(xml).toMatch(/<w:u w:val="single"\/>.*下划线/s);
    expect(xml).toMatch(/换行<\/w:t><\/w:r><w:r>.*<w:br\/><w:t[^>]*>第二行/s);
  });

  it('escapes markup-like text and drops scripts from the body', async () => {
    const xml = unzip(await renderNoticeDocx({ ...seed, title: '关于A&B<测试>的通知', bodyHtml: '<p>甲<script>alert(1)</script>乙</p>' }))
      .get('word/document.xml')!
      .toString('utf8');
    expect(xml).toContain('关于A&amp;B&lt;测试&gt;的通知');
    expect(xml).not.toContain('alert');
  });
});

describe.skipIf(!libreOfficeAvailable() || !pdfToTextAvailable())('renderNoticeDocx through LibreOffice', () => {
  it('converts to a PDF whose text has the title, 文号 and addressees', async () => {
    const pdf = await convertWithLibreOffice(await renderNoticeDocx(seed), 'docx', 'pdf');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // LibreOffice adds space between Chinese and digits and wraps lines: compare without whitespace.
    const text = squeeze(await pdfToText(pdf));
    expect(text).toContain(squeeze(seed.title));
    expect(text).toContain(squeeze(seed.documentNumber));
    expect(text).toContain(squeeze(seed.addressees));
    expect(text).toContain('—1—');
  }, 120_000);

  it('converts to plain text that keeps the body', async () => {
    const text = squeeze((await convertWithLibreOffice(await renderNoticeDocx(seed), 'docx', 'txt')).toString('utf8'));
    expect(text).toContain('现将省科协《关于印发〈2021年山东省“全国科技工作者日”活动实施方案〉的通知》转发给你们');
    expect(text).toContain('一、指导思想');
  }, 120_000);
});
