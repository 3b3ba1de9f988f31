import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pdfToText, pdfToTextAvailable } from '../../../tests/support/libreoffice';
import { reportForm } from '../../shared/forms/templates';
import type { FilledFormInput } from './form-document';
import { renderFilledFormPdf } from './form-pdf';
import { jiangsuSampleInput, sampleActivities, sampleContext, shandongSampleInput } from './form-sample.fixture';

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
const squeeze = (text: string) => text.replace(/\s+/g, '');
/** Text without the page numbers (— 2 —) that pdftotext puts between the lines of a split cell. */
const withoutPageNumbers = (text: string) => squeeze(text).replace(/—\d+—/g, '');

/** The page content streams, inflated. */
function contentStreams(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const parts: string[] = [];
  for (const match of raw.matchAll(/stream\n([\s\S]*?)\nendstream/g)) {
    try {
      parts.push(inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1'));
    } catch {
      // not deflated (or not a content stream): skip
    }
  }
  return parts.join('\n');
}
const normalise = (text: string) => text.replace(/[\s\u00a0\u3000]+/g, ' ');

/** A 2,000-字 report in one cell: more than a page, so the row continues on the next pages. */
function longReport(): FilledFormInput {
  const paragraph = (i: number) =>
    `第${i}部分。围绕“众心向党、自立自强”主题，全市各级科协组织开展座谈交流、科技志愿服务、产学研对接等活动，覆盖科技工作者和社会公众，取得了良好成效，形成了一批可复制推广的经验做法（详见附件${i}）。`;
  return {
    form: reportForm('“全国科技工作者日”活动总结报告', 2000),
    context: sampleContext,
    unitName: '临沂市科学技术协会',
    submittedAt: new Date('2021-06-30T02:00:00Z'),
    values: {
      fields: {
        report: Array.from({ length: 24 }, (_, i) => paragraph(i + 1)).join('\n'),
        stampedPdf: [{ fileId: 'a', name: '总结报告（盖章）.pdf' }],
        mediaLinks: 'https://www.example.cn/news/2021/05/30/kexie.html',
      },
      items: [],
    },
  };
}

describe('renderFilledFormPdf', () => {
  it('renders the Jiangsu form with each item starting a page', async () => {
    const pdf = await renderFilledFormPdf(jiangsuSampleInput());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSerifSC-Regular/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Bold/);
    // Three items of two pages each (基本信息, then the 480-字 工作方案).
    expect(pageCount(pdf)).toBe(6);
    // Tick boxes are marked content whose ActualText is ☑ (FEFF 2611) or □ (FEFF 25A1), 5 modules
    // and 4 target groups an item.
    const content = contentStreams(pdf);
    const checked = content.split('/ActualText (\u00fe\u00ff\u0026\u0011)').length - 1;
    const unchecked = content.split('/ActualText (\u00fe\u00ff\u0025\u00a1)').length - 1;
    expect(checked + unchecked).toBe(3 * 9);
    expect(checked).toBe(2 + 2 + 2 + 2 + 2 + 1);
  });

  it('prints the activities, ticks, contact and work plan as text', async () => {
    if (!pdfToTextAvailable()) return;
    const text = await pdfToText(await renderFilledFormPdf(jiangsuSampleInput()));
    const flat = squeeze(text);
    for (const activity of sampleActivities) expect(flat).toContain(squeeze(activity.title));
    const spaced = normalise(text);
    expect(spaced).toContain('团结引领 ☑ 建家办事 □ 为民服务 □ 开放合作 □ 表彰发布 ☑');
    expect(spaced).toContain('科协系统干部 ☑ 科技工作者 ☑ 海外同行 □ 社会公众 □ 青年');
    expect(flat).toContain('单位盖章：南京市科学技术协会');
    expect(flat).toContain('报送时间：2021年5月11日');
    expect(flat).toContain('第三阶段6月10日—20日');
    expect(flat).toContain('kexie_xuanchuan@njast.org.cn');
    expect(flat).toContain('五、预期成效。通过座谈交流和现场教学');
    expect(flat).toContain('注：中国科协将根据主办单位联系人和邮寄地址等信息');
    // Pages in order: the first item's plan comes before the second item's title.
    expect(flat.indexOf('以优异成绩庆祝中国共产党成立100周年')).toBeLessThan(flat.indexOf(squeeze(sampleActivities[1].title)));
  });

  it('fits the Shandong variant on one page', async () => {
    const pdf = await renderFilledFormPdf(shandongSampleInput());
    expect(pageCount(pdf)).toBe(1);
    if (!pdfToTextAvailable()) return;
    const flat = squeeze(await pdfToText(pdf));
    expect(flat).toContain('烟台市“最美科技工作者”学习宣传活动');
    expect(flat).toContain('联系人');
    expect(flat).toContain('营造尊重知识、尊重人才、尊重创造的良好氛围。');
  });

  it('continues a long text on the next pages without losing a line', async () => {
    const input = longReport();
    const pdf = await renderFilledFormPdf(input);
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(3);
    if (!pdfToTextAvailable()) return;
    const flat = withoutPageNumbers(await pdfToText(pdf));
    for (let i = 1; i <= 24; i++) expect(flat).toContain(`形成了一批可复制推广的经验做法（详见附件${i}）。`);
    expect(flat).toContain('https://www.example.cn/news/2021/05/30/kexie.html');
    expect(flat).toContain('总结报告（盖章）.pdf');
  });

  it('prints a blank form for a draft without items', async () => {
    const pdf = await renderFilledFormPdf({ ...jiangsuSampleInput(), submittedAt: null, values: { fields: {}, items: [] } });
    expect(pageCount(pdf)).toBe(2);
    if (!pdfToTextAvailable()) return;
    const spaced = normalise(await pdfToText(pdf));
    expect(spaced).toContain('团结引领 □ 建家办事 □ 为民服务 □ 开放合作 □ 表彰发布 □');
    expect(spaced).toContain('________');
  });

  it('does not fail on characters the embedded faces lack', async () => {
    const input = jiangsuSampleInput();
    input.values.items[0]!.fields.title = '罕见字𠀀和①，以及😀的活动';
    const pdf = await renderFilledFormPdf(input);
    expect(pageCount(pdf)).toBe(6);
    if (!pdfToTextAvailable()) return;
    expect(squeeze(await pdfToText(pdf))).toContain('罕见字');
  });

  it('renders a three-item form quickly once the fonts are loaded', async () => {
    const input = jiangsuSampleInput();
    await renderFilledFormPdf(input);
    const count = 10;
    const started = performance.now();
    for (let i = 0; i < count; i++) await renderFilledFormPdf(input);
    const each = (performance.now() - started) / count;
    console.log(`form pdf: ${each.toFixed(0)} ms per 3-item Jiangsu form (6 pages)`);
    expect(each).toBeLessThan(1_000);
  });
});
