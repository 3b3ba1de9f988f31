import { describe, expect, it } from 'vitest';
import {
  CHAR_PITCH_PT,
  LINES_PER_PAGE,
  LINE_PITCH_PT,
  TEXT_HEIGHT_PT,
  TEXT_WIDTH_PT,
  TITLE_MAX_EMS,
  breakTitle,
  composeNotice,
  contactLine,
  distributeColumnWidths,
  estimateEms,
  issuerFontSize,
  signatureGeometry,
  type NoticeDocumentInput,
} from './notice-document';

const base: NoticeDocumentInput = {
  issuers: ['山东省科学技术协会'],
  documentNumber: '鲁科协发〔2021〕12号',
  title: '关于开展2021年“全国科技工作者日”活动的通知',
  addressees: '各市科协，各省级学会',
  bodyHtml: '<p>正文。</p>',
  attachments: [],
  contacts: [],
  issueDate: '2021-04-20',
};

describe('GB/T 9704-2012 measurements', () => {
  it('fit 22 lines of 28 characters in the 156 mm × 225 mm 版心', () => {
    expect(TEXT_WIDTH_PT).toBeCloseTo(442.2, 1);
    expect(TEXT_HEIGHT_PT).toBeCloseTo(637.8, 1);
    expect(LINES_PER_PAGE * LINE_PITCH_PT).toBeLessThanOrEqual(TEXT_HEIGHT_PT);
    expect(28 * CHAR_PITCH_PT).toBeCloseTo(TEXT_WIDTH_PT, 6);
  });
});

describe('composeNotice', () => {
  it('ends the addressees with one full-width colon', () => {
    expect(composeNotice(base).addressees).toBe('各市科协，各省级学会：');
    expect(composeNotice({ ...base, addressees: '各市科协:' }).addressees).toBe('各市科协：');
    expect(composeNotice({ ...base, addressees: '  ' }).addressees).toBeNull();
  });

  it('formats the date, defaults the signature to the issuers and keeps joint issuers in order', () => {
    const joint = composeNotice({ ...base, issuers: ['江苏省科学技术协会', '江苏省科学技术厅'] });
    expect(joint.date).toBe('2021年4月20日');
    expect(joint.signature).toEqual(['江苏省科学技术协会', '江苏省科学技术厅']);
    expect(composeNotice({ ...base, signature: ['山东省科协办公室'] }).signature).toEqual(['山东省科协办公室']);
  });

  it('numbers several attachments, not a single one, and strips trailing punctuation', () => {
    expect(composeNotice({ ...base, attachments: ['活动方案。'] }).attachments).toEqual([{ label: '附件：', number: '', name: '活动方案' }]);
    expect(composeNotice({ ...base, attachments: ['活动方案', '样表；'] }).attachments).toEqual([
      { label: '附件：', number: '1.', name: '活动方案' },
      { label: '', number: '2.', name: '样表' },
    ]);
  });

  it('adds one paragraph per contact at the end of the body', () => {
    const notice = composeNotice({
      ...base,
      contacts: [
        { name: '张三', phone: '0531-12345678', email: 'a@b.cn' },
        { name: '李四', phone: null },
      ],
    });
    expect(notice.body.slice(-2)).toEqual([
      { type: 'paragraph', runs: [{ text: '联系人：张三，电话：0531-12345678，电子邮箱：a@b.cn' }] },
      { type: 'paragraph', runs: [{ text: '联系人：李四' }] },
    ]);
    expect(contactLine({ name: ' 王五 ', email: 'w@x.cn' })).toBe('联系人：王五，电子邮箱：w@x.cn');
  });

  it('describes a forward in the metadata', () => {
    const notice = composeNotice({ ...base, forwardOf: { documentNumber: '中科协发〔2021〕5号', title: '关于开展活动的通知', issuer: '中国科协' } });
    expect(notice.metadata.subject).toBe('转发中国科协《关于开展活动的通知》（中科协发〔2021〕5号）');
  });

  it('refuses a notice without issuer, title or valid date', () => {
    expect(() => composeNotice({ ...base, issuers: [' '] })).toThrow(TypeError);
    expect(() => composeNotice({ ...base, title: '' })).toThrow(TypeError);
    expect(() => composeNotice({ ...base, issueDate: '2021-02-30' })).toThrow(RangeError);
  });
});

describe('breakTitle', () => {
  it('keeps a short title on one line', () => {
    expect(breakTitle('关于开展活动的通知', TITLE_MAX_EMS)).toEqual(['关于开展活动的通知']);
  });

  it('breaks after a quoted name rather than inside it, long line first', () => {
    expect(breakTitle(base.title, TITLE_MAX_EMS)).toEqual(['关于开展2021年“全国科技工作者日”', '活动的通知']);
  });

  it('never splits a number, never starts a line with closing punctuation, and fits every line', () => {
    const title = '关于转发《关于印发〈2021年山东省“全国科技工作者日”活动实施方案〉的通知》的通知';
    const lines = breakTitle(title, TITLE_MAX_EMS);
    expect(lines.join('')).toBe(title);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(estimateEms(line)).toBeLessThanOrEqual(TITLE_MAX_EMS);
      expect(line).not.toMatch(/^[”》〉），。]/);
      expect(line).not.toMatch(/[“《〈（]$/);
    }
    expect(lines.some((line) => /\d$/.test(line))).toBe(false);
  });
});

describe('layout helpers', () => {
  it('sizes the issuer name to the longest name, between 2号 and 初号', () => {
    expect(issuerFontSize(['山东省科学技术协会'])).toBe(42);
    expect(issuerFontSize(['中国科学技术协会办公厅', '中华人民共和国科学技术部办公厅'])).toBe(Math.floor((TEXT_WIDTH_PT * 0.9) / 15));
    expect(issuerFontSize(['某'.repeat(40)])).toBe(22);
  });

  it('centres the signature over a date four characters from the right', () => {
    const { dateRight, signatureRights } = signatureGeometry([9 * 16], 6.5 * 16, 16);
    expect(dateRight).toBe(64);
    expect(signatureRights[0]! + (9 * 16) / 2).toBe(dateRight + (6.5 * 16) / 2);
  });

  it('moves a long signature left so it keeps two characters of margin', () => {
    const { dateRight, signatureRights } = signatureGeometry([20 * 16], 6.5 * 16, 16);
    expect(signatureRights[0]).toBe(32);
    expect(dateRight).toBeGreaterThan(64);
  });

  it('gives short label columns their width and long text the rest', () => {
    const widths = distributeColumnWidths([60, 900], [60, 95], 440);
    expect(widths[0]).toBeCloseTo(60, 0);
    expect(widths[0]! + widths[1]!).toBeCloseTo(440, 6);
    const roomy = distributeColumnWidths([50, 100], [50, 100], 300);
    expect(roomy).toEqual([100, 200]);
  });
});
