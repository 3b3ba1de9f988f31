import { describe, expect, it } from 'vitest';
import { countWords } from './word-count';

describe('countWords (字数 as Word/WPS count it)', () => {
  it.each([
    ['', 0],
    ['   ', 0],
    ['众心向党，自立自强', 9],
    ['科技工作者日。', 7],
    ['“全国科技工作者日”', 10],
    ['2021年5月30日', 6],
    ['第5个', 3],
    ['COVID-19', 1],
    ['3.14', 1],
    ['1,000人', 2],
    ['Hello world', 2],
    ['开展AI科普活动', 7],
    ['中国科协China Association', 6],
    ['（一）第一阶段（5月10日-25日）', 15],
    ['don\'t stop', 2],
    ['a , b', 2],
    ['科普：5G、AI与IoT！', 9],
    ['《江苏省2021年“全国科技工作者日”活动实施方案》', 23],
    ['\n\n第一段\n第二段', 6],
    ['𠀀𠀁', 2],
    ['ＡＢＣ１２３', 1],
  ])('%j → %d', (text, expected) => {
    expect(countWords(text)).toBe(expected);
  });

  it('counts 500 CJK characters as 500 and 501 as 501', () => {
    expect(countWords('科'.repeat(500))).toBe(500);
    expect(countWords('科'.repeat(501))).toBe(501);
  });
});
