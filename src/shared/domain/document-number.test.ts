import { describe, expect, it } from 'vitest';
import { formatDocumentNumber, nextSerial, normalizeDocumentNumber, parseDocumentNumber } from './document-number';

describe('document numbers (文号)', () => {
  it.each([
    ['苏科协发〔2021〕55号', { prefix: '苏科协发', year: 2021, serial: 55 }],
    ['鲁科协办字〔2021〕3号', { prefix: '鲁科协办字', year: 2021, serial: 3 }],
    ['烟科协[2021]12号', { prefix: '烟科协', year: 2021, serial: 12 }],
    ['临科协发（2020）007号', { prefix: '临科协发', year: 2020, serial: 7 }],
    [' 科协发【2026】1号 ', { prefix: '科协发', year: 2026, serial: 1 }],
  ])('reads %s', (text, expected) => {
    expect(parseDocumentNumber(text)).toEqual(expected);
  });

  it.each(['苏科协发2021年55号', '〔2021〕55号', '苏科协发〔21〕55号', '苏科协发〔2021〕55', '苏科协发〔2021〕0号', ''])('rejects %j', (text) => {
    expect(parseDocumentNumber(text)).toBeNull();
  });

  it('normalises brackets and formats back', () => {
    expect(normalizeDocumentNumber('苏科协发 (2021) 55号')).toBe('苏科协发〔2021〕55号');
    expect(formatDocumentNumber({ prefix: '苏科协发', year: 2021, serial: 56 })).toBe('苏科协发〔2021〕56号');
  });

  it('suggests one past the highest serial', () => {
    expect(nextSerial([])).toBe(1);
    expect(nextSerial([3, 55, 12])).toBe(56);
  });
});
