import { describe, expect, it } from 'vitest';
import { pdfToText, pdfToTextAvailable } from '../../../tests/support/libreoffice';
import { composeNotice, type NoticeDocumentInput } from './notice-document';
import { renderNoticePdf } from './notice-pdf';
import { seedNotice } from './seed-notice.fixture';

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
const squeeze = (text: string) => text.replace(/\s+/g, '');

const { input: seed } = seedNotice();
const { input: twoPages } = seedNotice({ planParagraphs: 2, withTable: false });

describe('renderNoticePdf', () => {
  it('renders the seed notice as a PDF with subset Noto SC fonts', async () => {
    const pdf = await renderNoticePdf(seed);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSerifSC-Regular/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSerifSC-Bold/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Bold/);
    expect(raw).toContain('/FontFile2');
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(3);
  });

  // Render time is measured by bench/documents.ts, not asserted here.
  it('stays small for a 2-page notice: fonts are subset', async () => {
    const pdf = await renderNoticePdf(twoPages);
    expect(pageCount(pdf)).toBe(2);
    expect(pdf.length).toBeLessThan(200_000);
  });

  it('does not fail on characters no font has, nor on ones only a system font has', async () => {
    const input: NoticeDocumentInput = { ...twoPages, bodyHtml: '<p>罕见字𠀀和①，以及😀。</p>' };
    const pdf = await renderNoticePdf(input);
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(1);
    if (pdfToTextAvailable()) {
      const text = squeeze(await pdfToText(pdf));
      expect(text).toContain('罕见字');
      // ① comes from the system's Noto CJK where installed (fonts-noto-cjk here).
      if (pdf.toString('latin1').includes('NotoSerifCJKsc')) expect(text).toContain('和①');
    }
  });

  it('renders joint issuers, tables, headings, lists and rich runs', async () => {
    const pdf = await renderNoticePdf({
      ...twoPages,
      issuers: ['江苏省科学技术协会', '江苏省科学技术厅'],
      bodyHtml:
        '<h1>一、指导思想</h1><h2>（一）第一阶段</h2><p><strong>加粗</strong><em>斜体</em><u>下划线</u><br>第二行</p>' +
        '<ol><li>加强组织领导</li></ol><blockquote><p>引文</p></blockquote>' +
        '<table><thead><tr><th>项目</th><th colspan="2">内容</th></tr></thead><tbody><tr><td rowspan="2">联系人</td><td>姓名</td><td>电话</td></tr><tr><td>手机</td><td>传真</td></tr></tbody></table>',
    });
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(1);
  });

  it('repeats table header rows when a long table runs onto the next page', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `<tr><td>${i + 1}</td><td>单位${i + 1}</td></tr>`).join('');
    const pdf = await renderNoticePdf({ ...twoPages, bodyHtml: `<table><thead><tr><th>序号</th><th>单位名称</th></tr></thead><tbody>${rows}</tbody></table>` });
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(3);
    if (pdfToTextAvailable()) {
      const pages = (await pdfToText(pdf)).split('\f').filter((page) => /单位\d+/.test(page));
      expect(pages.length).toBeGreaterThanOrEqual(2);
      for (const page of pages) expect(page).toContain('单位名称');
    }
  });

  it('tolerates a missing 文号 and keeps a signature longer than a line whole', async () => {
    const signature = '某某省某某市某某区科学技术协会某某专门委员会某某工作办公室联合工作组';
    const pdf = await renderNoticePdf({ ...twoPages, documentNumber: '', signature: [signature] });
    if (pdfToTextAvailable()) expect(squeeze(await pdfToText(pdf))).toContain(signature);
  });

  it('refuses invalid input', async () => {
    await expect(renderNoticePdf({ ...twoPages, issueDate: '2021-13-01' })).rejects.toThrow(RangeError);
    await expect(renderNoticePdf({ ...twoPages, issuers: [] })).rejects.toThrow(TypeError);
  });
});

describe.skipIf(!pdfToTextAvailable())('renderNoticePdf through pdftotext', () => {
  it('has the title, 文号, addressees, body, attachment, signature, date and page numbers', async () => {
    const text = await pdfToText(await renderNoticePdf(seed));
    const flat = squeeze(text);
    for (const line of composeNotice(seed).titleLines) expect(flat).toContain(line);
    expect(flat).toContain(seed.documentNumber);
    expect(flat).toContain(squeeze(seed.addressees));
    expect(flat).toContain('现将省科协《关于印发〈2021年山东省“全国科技工作者日”活动实施方案〉的通知》转发给你们');
    expect(flat).toContain('一、指导思想');
    expect(flat).toContain('联系人：许超，电话：6203817');
    expect(flat).toContain(`附件：${seed.attachments[0]}`);
    expect(flat).toContain('烟台市科学技术协会2021年4月30日');
    expect(flat).toContain('—1—');
    expect(flat).toContain('—2—');
  });

  it('lays body lines out 28 characters wide and indents paragraphs by two', async () => {
    const text = await pdfToText(await renderNoticePdf(twoPages));
    const lines = text.split('\n').map((line) => line.trim());
    // A full line of Chinese text in the cover note: 28 characters, give or take punctuation.
    const full = lines.filter((line) => /^[\u3000-\u9fff\uff00-\uffef“”]{26,}$/.test(line));
    expect(full.length).toBeGreaterThan(0);
    for (const line of full) expect([...line].length).toBeLessThanOrEqual(29);
  });
});
