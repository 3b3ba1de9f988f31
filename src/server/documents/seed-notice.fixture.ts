/**
 * Test fixture: a NoticeDocumentInput built at test time from the real Yantai/Shandong notice in
 * ../shared/seeds (its text is read, never copied into the repository). The extract lost the
 * layout, so paragraphs are found by their shape: 关于…的通知 titles, lines ending in "：" for
 * addressees, 一、/（一） for headings, tab-separated lines for the sample form's table.
 */
import fs from 'node:fs';
import { seedPath } from '../../../tests/support/seeds';
import type { NoticeDocumentInput } from './notice-document';

export const SEED_PATH = seedPath('shandong-yantai-2021.txt');

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface SeedNotice {
  input: NoticeDocumentInput;
  /** The forwarded provincial notice's title, which the cover note names. */
  forwardedTitle: string;
}

export interface SeedNoticeOptions {
  /** How much of the provincial plan follows the cover note: 2 paragraphs make a 2-page notice. */
  planParagraphs?: number;
  /** Whether the sample form's rows follow as a table. */
  withTable?: boolean;
}

export function seedNotice({ planParagraphs = 12, withTable = true }: SeedNoticeOptions = {}): SeedNotice {
  const lines = fs
    .readFileSync(SEED_PATH, 'utf8')
    .split('\n')
    .map((line) => line.replace(/[\r ]+$/, '')) // trailing tabs are empty table cells
    .filter((line) => line.trim() !== '');

  const issuer = lines[0]!.trim();
  const titleIndex = lines.findIndex((line) => line.startsWith('关于'));
  const title = lines[titleIndex]!.trim();
  const addressees = lines[titleIndex + 1]!.trim();
  const contactIndex = lines.findIndex((line, i) => i > titleIndex && line.startsWith('联系人'));
  const coverNote = lines.slice(titleIndex + 2, contactIndex);
  const contactName = lines[contactIndex]!.replace(/^联系人[：:]/, '').trim();
  const phone = lines[contactIndex + 1]!.replace(/^联系电话[：:]/, '').trim();

  const forwardedTitle = lines.find((line, i) => i > contactIndex && line.startsWith('关于'))!.trim();
  const dateMatch = lines.map((line) => /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(line.trim())).find(Boolean)!;
  const issueDate = `${dateMatch[1]}-${dateMatch[2]!.padStart(2, '0')}-${dateMatch[3]!.padStart(2, '0')}`;

  // The plan: from its first paragraph (为迎接…) on, headings by their numbering.
  const planStart = lines.findIndex((line) => line.startsWith('为迎接'));
  const planLines = lines.slice(planStart, planStart + planParagraphs);
  const toHtml = (line: string) => {
    const text = escapeHtml(line.trim());
    if (/^[一二三四五六七八九十]+、/.test(text)) return `<h1>${text}</h1>`;
    if (/^[（(][一二三四五六七八九十]+[）)]/.test(text)) return `<h2>${text}</h2>`;
    return `<p>${text}</p>`;
  };
  // The sample form (样表) rows are tab-separated in the extract.
  const tableRows = withTable ? lines.filter((line) => line.includes('\t')) : [];
  const table = tableRows.length
    ? `<table><tbody>${tableRows.map((row) => `<tr>${row.split('\t').map((cell) => `<td>${escapeHtml(cell.trim())}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : '';

  // The extract lost the forward's 文号 line (the Jiangsu seed shows the form), so a number of
  // that form stands in for it.
  const documentNumber = lines.map((line) => /\S+〔\d{4}〕\d+号/.exec(line)?.[0]).find(Boolean) ?? '烟科协发〔2021〕9号';

  return {
    forwardedTitle,
    input: {
      issuers: [issuer],
      documentNumber,
      title,
      addressees,
      bodyHtml: [...coverNote.map(toHtml), ...planLines.map(toHtml), table].join(''),
      attachments: [forwardedTitle],
      contacts: [{ name: contactName, phone }],
      issueDate,
      forwardOf: { documentNumber: '', title: forwardedTitle, issuer: '山东省科学技术协会' },
    },
  };
}
