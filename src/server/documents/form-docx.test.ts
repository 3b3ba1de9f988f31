import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { convertWithLibreOffice, libreOfficeAvailable, pdfToText, pdfToTextAvailable } from '../../../tests/support/libreoffice';
import { reportForm } from '../../shared/forms/templates';
import type { FilledFormInput } from './form-document';
import { escapeXml, renderFilledFormDocx } from './form-docx';
import { jiangsuSampleInput, sampleActivities, sampleContext, shandongSampleInput } from './form-sample.fixture';

/** Entries of a zip (a .docx), checking each entry's CRC as Word does. */
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
    const crc = zip.readUInt32LE(position + 16);
    const compressedSize = zip.readUInt32LE(position + 20);
    const size = zip.readUInt32LE(position + 24);
    const nameLength = zip.readUInt16LE(position + 28);
    const skip = nameLength + zip.readUInt16LE(position + 30) + zip.readUInt16LE(position + 32);
    const local = zip.readUInt32LE(position + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local header');
    const name = zip.toString('utf8', position + 46, position + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    if (data.length !== size) throw new Error(`${name}: wrong size`);
    if (crc32(data) !== crc) throw new Error(`${name}: wrong CRC`);
    files.set(name, data);
    position += 46 + skip;
  }
  return files;
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const documentXml = async (input: FilledFormInput) => unzip(await renderFilledFormDocx(input)).get('word/document.xml')!.toString('utf8');
const xmlText = (xml: string) => xml.replace(/<w:br\/>/g, '\n').replace(/<\/w:p>/g, '\n').replace(/<[^>]+>/g, '');
/** Whitespace of any kind (a no-break space between an option and its box, too) as one space. */
const normalise = (text: string) => text.replace(/[\s\u00a0\u3000]+/g, ' ');

describe('renderFilledFormDocx', () => {
  it('writes a complete .docx package with the form in document.xml', async () => {
    const files = unzip(await renderFilledFormDocx(jiangsuSampleInput()));
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['[Content_Types].xml', '_rels/.rels', 'word/document.xml', 'word/styles.xml', 'word/settings.xml', 'word/footer1.xml', 'docProps/core.xml']),
    );
    const xml = files.get('word/document.xml')!.toString('utf8');
    expect(xml.startsWith('<?xml')).toBe(true);
    expect(xml).toMatch(/<w:sectPr>.*<w:pgSz w:w="11906" w:h="16838"/);
    const text = xmlText(xml);
    for (const activity of sampleActivities) expect(text).toContain(activity.title);
    expect(text).toContain('单位盖章：南京市科学技术协会');
    expect(text).toContain('报送时间：2021年5月11日');
    expect(text).toContain('第二阶段 5月28日—29日');
    // Each item's tables: a page break before the second and third items.
    expect(xml.match(/<w:pageBreakBefore\/>/g)).toHaveLength(2);
    expect(xml.match(/<w:tbl>/g)).toHaveLength(6);
    // The contact label spans three rows; the module cells carry ☑/□ in a symbol font.
    expect(xml.match(/<w:vMerge w:val="restart"\/>/g)).toHaveLength(3);
    expect(xml.match(/<w:vMerge\/>/g)).toHaveLength(6);
    expect(xml).toContain('w:eastAsia="Segoe UI Symbol"');
    expect(normalise(text)).toContain('团结引领 ☑');
    expect(normalise(text)).toContain('建家办事 □');
    expect(normalise(text)).toContain('海外同行 □');
    // Fonts as the notice sets them, the East Asian slot included.
    expect(xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(xml).toContain('w:eastAsia="黑体"');
    expect(files.get('word/styles.xml')!.toString('utf8')).toContain('w:eastAsia="仿宋_GB2312"');
    expect(files.get('word/styles.xml')!.toString('utf8')).toContain('<w:lang w:val="en-US" w:eastAsia="zh-CN"/>');
    // Work plan paragraphs are separate paragraphs, indented two characters.
    expect(xml).toContain('<w:ind w:firstLine="480"/>');
    expect(text).toMatch(/一、活动主题。/);

    const core = files.get('docProps/core.xml')!.toString('utf8');
    expect(core).toContain('<dc:title>2021年“全国科技工作者日”特色亮点活动筹备方案（样表）</dc:title>');
    expect(core).toContain('<dc:creator>南京市科学技术协会</dc:creator>');
    expect(core).not.toContain('HUIJU-');
  });

  it('escapes markup and drops characters XML forbids', async () => {
    const input = jiangsuSampleInput();
    const item = input.values.items[0]!;
    item.fields.title = '<b>A&B</b> "引号" $& \u0001\u0008控制符 \ud800孤立';
    const xml = await documentXml({ ...input, unitName: 'R&D <科协>' });
    expect(xml).toContain('&lt;b&gt;A&amp;B&lt;/b&gt; &quot;引号&quot; $&amp; 控制符 孤立');
    expect(xml.includes('\u0001') || xml.includes('\u0008')).toBe(false);
    expect(escapeXml('a\u0000b\uffffc😀')).toBe('abc😀');
    // The item titles are the document's subject: a $& in them is text, not a replacement pattern.
    const core = unzip(await renderFilledFormDocx(input)).get('docProps/core.xml')!.toString('utf8');
    expect(core).toContain('<dc:subject>&lt;b&gt;A&amp;B&lt;/b&gt; &quot;引号&quot; $&amp; 控制符 孤立；');
  });

  it('renders the Shandong variant and a report form', async () => {
    const shandong = xmlText(await documentXml(shandongSampleInput()));
    expect(shandong).toContain('烟台市“最美科技工作者”学习宣传活动');
    expect(shandong).toContain('报送时间：\n'); // a draft: the date is left blank
    const report = xmlText(
      await documentXml({
        form: reportForm('特色亮点活动情况报告', 1000),
        context: sampleContext,
        unitName: '临沂市科学技术协会',
        submittedAt: null,
        values: { fields: { report: '活动开展情况。\n取得成效。' }, items: [] },
      }),
    );
    expect(report).toContain('报告正文');
    expect(report).toContain('活动开展情况。\n取得成效。');
  });

  it('opens in LibreOffice, which prints the activities and the ticks', { timeout: 120_000 }, async () => {
    if (!libreOfficeAvailable() || !pdfToTextAvailable()) return;
    const pdf = await convertWithLibreOffice(await renderFilledFormDocx(jiangsuSampleInput()), 'docx', 'pdf');
    const text = normalise(await pdfToText(pdf));
    for (const activity of sampleActivities) expect(text.replace(/ /g, '')).toContain(activity.title.replace(/ /g, ''));
    expect(text).toContain('团结引领 ☑');
    expect(text).toContain('表彰发布 ☑');
    expect(text).toContain('建家办事 □');
    expect(text).toContain('科技工作者 ☑');
    expect(text).toContain('kexie_xuanchuan@njast.org.cn');
    // Six tables on at least six pages: each item starts a page.
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(6);

    const shandong = normalise(await pdfToText(await convertWithLibreOffice(await renderFilledFormDocx(shandongSampleInput()), 'docx', 'pdf')));
    expect(shandong.replace(/ /g, '')).toContain('烟台市“最美科技工作者”学习宣传活动');
  });
});
