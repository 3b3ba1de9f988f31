import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderFilledFormDocx } from '../src/server/documents/form-docx';
import { renderFilledFormPdf } from '../src/server/documents/form-pdf';
import { jiangsuSampleInput, jiangsuSampleValues, sampleContext } from '../src/server/documents/form-sample.fixture';
import { renderNoticePdf } from '../src/server/documents/notice-pdf';
import { renderNoticeDocx } from '../src/server/documents/notice-docx';
import { writeSummaryWorkbook, type SummaryRow } from '../src/server/documents/summary-xlsx';
import { jiangsuFeaturedActivityForm } from '../src/shared/forms/templates';
import type { FieldValue } from '../src/shared/forms/definition';
import { median, type BenchResult } from './report';

const noticeInput = {
  issuers: ['山东省科学技术协会'],
  documentNumber: '鲁科协发〔2021〕12号',
  title: '关于印发《2021年山东省“全国科技工作者日”活动实施方案》的通知',
  addressees: '各市科协，各省级学会，各企业科协，各高校科协，机关各部室，各直属单位',
  bodyHtml: `<p>${'2021年5月30日是第5个“全国科技工作者日”。请各有关单位按照实施方案要求，统筹制定活动方案。'.repeat(14)}</p>`,
  attachments: ['2021年山东省“全国科技工作者日”活动实施方案'],
  contacts: [{ name: '王馨笙', phone: '0531-82073288', email: 'rcbskx@shandong.cn' }],
  issueDate: '2021-04-30',
};

async function timeEach(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times;
}

/** W5 (documents part): filled-form .docx per second, PDFs, and the 汇总表 of 10,000 items. */
export async function benchDocuments(quick: boolean): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const form = jiangsuSampleInput();
  await renderFilledFormDocx(form);
  const batch = quick ? 50 : 200;
  const rounds = await timeEach(5, async () => {
    for (let i = 0; i < batch; i++) await renderFilledFormDocx(form);
  });
  const perSecond = rounds.map((ms) => (batch / ms) * 1000);
  results.push({ name: 'W5 filled-form .docx (3-item Jiangsu form)', unit: 'documents/s', median: median(perSecond), min: Math.min(...perSecond), max: Math.max(...perSecond), target: '≥ 50 /s', met: median(perSecond) >= 50 });

  await renderFilledFormPdf(form);
  const formPdf = await timeEach(10, () => renderFilledFormPdf(form));
  results.push({ name: 'filled-form .pdf (3 items, 6 pages)', unit: 'ms', median: median(formPdf), min: Math.min(...formPdf), max: Math.max(...formPdf) });

  await renderNoticePdf(noticeInput);
  const noticePdf = await timeEach(10, () => renderNoticePdf(noticeInput));
  results.push({ name: 'notice .pdf (2 pages, GB/T 9704)', unit: 'ms', median: median(noticePdf), min: Math.min(...noticePdf), max: Math.max(...noticePdf), target: '< 300 ms', met: median(noticePdf) < 300 });
  await renderNoticeDocx(noticeInput);
  const noticeDocx = await timeEach(10, () => renderNoticeDocx(noticeInput));
  results.push({ name: 'notice .docx (2 pages)', unit: 'ms', median: median(noticeDocx), min: Math.min(...noticeDocx), max: Math.max(...noticeDocx) });

  const items = jiangsuSampleValues().items;
  const total = 10_000;
  const times: number[] = [];
  const growth: number[] = [];
  for (let run = 0; run < (quick ? 1 : 3); run++) {
    async function* rows(): AsyncIterable<SummaryRow> {
      for (let i = 0; i < total; i++) {
        const values: Record<string, FieldValue> = { ...items[i % 3]!.fields, title: `第${i + 1}项活动` };
        yield { unitName: `第${Math.floor(i / 3) + 1}号科学技术协会`, status: '已报送', submittedAt: new Date(), lateHours: 0, itemIndex: (i % 3) + 1, values };
      }
    }
    const file = path.join(os.tmpdir(), `huiju-bench-summary-${process.pid}.xlsx`);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const started = performance.now();
    await writeSummaryWorkbook(fs.createWriteStream(file), { form: jiangsuFeaturedActivityForm, context: sampleContext, title: '汇总表', rows: rows() });
    times.push(performance.now() - started);
    clearInterval(sampler);
    growth.push((Math.max(peak, process.memoryUsage().rss) - before) / 1024 / 1024);
    fs.rmSync(file, { force: true });
  }
  results.push({ name: 'W5 汇总表 .xlsx, 10,000 items', unit: 'ms', median: median(times), min: Math.min(...times), max: Math.max(...times), target: '< 3000 ms', met: median(times) < 3000 });
  results.push({ name: 'W5 汇总表 .xlsx, 10,000 items: RSS growth', unit: 'MB', median: median(growth), min: Math.min(...growth), max: Math.max(...growth), target: 'bounded (streamed)' });
  return results;
}
