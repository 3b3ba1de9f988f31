import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/shared/domain/access';
import { searchQueryLiteral, searchTokens, searchVectorLiteral } from '../../src/shared/domain/bigram-search';
import { findPersonalData } from '../../src/shared/domain/personal-data';
import { currentPhaseId, isSafePublicUrl, mayModerate, mayRequestPublication, nextPublicationStatus, parentPathOf } from '../../src/shared/domain/showcase';

const actor = (grants: Actor['grants']): Actor => ({ userId: 9, username: 'u', unitId: 1, unitPath: grants[0]?.unitPath ?? '/1/', grants });

describe('publication status', () => {
  it('moderates every request and lets only pending or published items be withdrawn', () => {
    expect(nextPublicationStatus(null, 'request')).toBe('pending');
    expect(nextPublicationStatus('rejected', 'request')).toBe('pending');
    expect(nextPublicationStatus('approved', 'request')).toBe('pending');
    expect(nextPublicationStatus('pending', 'approve')).toBe('approved');
    expect(nextPublicationStatus('pending', 'reject')).toBe('rejected');
    expect(nextPublicationStatus('approved', 'approve')).toBeNull();
    expect(nextPublicationStatus('withdrawn', 'approve')).toBeNull();
    expect(nextPublicationStatus('rejected', 'withdraw')).toBeNull();
    expect(nextPublicationStatus('approved', 'withdraw')).toBe('withdrawn');
    expect(nextPublicationStatus(null, 'approve')).toBeNull();
  });
});

describe('who publishes and who moderates', () => {
  const nanjing = '/1/32/3201/';
  it('finds the upper unit', () => {
    expect(parentPathOf(nanjing)).toBe('/1/32/');
    expect(parentPathOf('/1/')).toBeNull();
  });
  it('lets the unit ask and its upper unit approve, never the unit itself', () => {
    const nanjingContact = actor([{ role: 'contact', unitId: 3201, unitPath: nanjing }]);
    const nanjingManager = actor([{ role: 'campaign_manager', unitId: 3201, unitPath: nanjing }]);
    const province = actor([{ role: 'campaign_manager', unitId: 32, unitPath: '/1/32/' }]);
    const suzhou = actor([{ role: 'campaign_manager', unitId: 3205, unitPath: '/1/32/3205/' }]);
    const reviewer = actor([{ role: 'reviewer', unitId: 3201, unitPath: nanjing }]);
    expect(mayRequestPublication(nanjingContact, nanjing)).toBe(true);
    expect(mayRequestPublication(reviewer, nanjing)).toBe(false);
    expect(mayRequestPublication(suzhou, nanjing)).toBe(false);
    expect(mayModerate(province, nanjing, [])).toBe(true);
    expect(mayModerate(nanjingManager, nanjing, [])).toBe(false);
    expect(mayModerate(nanjingContact, nanjing, [])).toBe(false);
    expect(mayModerate(suzhou, nanjing, [])).toBe(false);
    // 苏州 configured as a moderator of the column.
    expect(mayModerate(suzhou, nanjing, ['/1/32/3205/'])).toBe(true);
    expect(mayModerate(actor([{ role: 'contact', unitId: 3205, unitPath: '/1/32/3205/' }]), nanjing, ['/1/32/3205/'])).toBe(false);
    expect(mayModerate(actor([{ role: 'system_admin', unitId: 1, unitPath: '/1/' }]), '/1/', [])).toBe(true);
  });
  it('knows the current phase', () => {
    const phases = [
      { id: 'p1', startDate: '2021-05-10', endDate: '2021-05-25' },
      { id: 'p2', startDate: '2021-05-26', endDate: '2021-06-05' },
    ];
    expect(currentPhaseId(phases, '2021-05-25')).toBe('p1');
    expect(currentPhaseId(phases, '2021-05-26')).toBe('p2');
    expect(currentPhaseId(phases, '2021-07-01')).toBeNull();
  });
  it('takes only http(s) links', () => {
    expect(isSafePublicUrl('https://www.jsast.org.cn/art/1.html')).toBe(true);
    expect(isSafePublicUrl('javascript:alert(1)')).toBe(false);
    expect(isSafePublicUrl('https://user:pw@example.cn/')).toBe(false);
    expect(isSafePublicUrl('not a url')).toBe(false);
  });
});

describe('bigram search', () => {
  it('cuts Chinese into overlapping pairs with consecutive positions, Latin words whole', () => {
    expect(searchTokens('科普宣传')).toEqual([
      { lexeme: '科普', position: 1, word: false },
      { lexeme: '普宣', position: 2, word: false },
      { lexeme: '宣传', position: 3, word: false },
      { lexeme: '传', position: 4, word: false },
    ]);
    expect(searchTokens('ＡＩ赋能5G').map((t) => t.lexeme)).toEqual(['ai', '赋能', '能', '5g']);
    expect(searchTokens('“百年回望”科普').map((t) => [t.lexeme, t.position])).toEqual([
      ['百年', 2],
      ['年回', 3],
      ['回望', 4],
      ['望', 5],
      ['科普', 7],
      ['普', 8],
    ]);
  });
  it('writes a weighted tsvector literal, title and description apart', () => {
    expect(searchVectorLiteral([{ text: '科普周', weight: 'A' }, { text: '科普', weight: 'B' }])).toBe("'科普':1A,14B '普周':2A '周':3A '普':15B");
  });
  it('turns a query into a phrase of its bigrams, prefixes for single characters and words', () => {
    expect(searchQueryLiteral('科普')).toBe("'科普'");
    expect(searchQueryLiteral('科普宣传')).toBe("('科普' <-> '普宣' <-> '宣传')");
    expect(searchQueryLiteral('院士 AI')).toBe("'院士' & 'ai':*");
    expect(searchQueryLiteral('科')).toBe("'科':*");
    expect(searchQueryLiteral("'); drop table x; --")).toBe("'drop':* & 'table':* & 'x':*");
    expect(searchQueryLiteral('  ，。! ')).toBeNull();
  });
});

describe('personal data', () => {
  it('finds phones, e-mails and ID numbers, and leaves dates and counts alone', () => {
    expect(findPersonalData('联系电话13900000000')).toBe('mobile');
    expect(findPersonalData('手机 139-0000-0000')).toBe('mobile');
    expect(findPersonalData('电话：025-83000000')).toBe('phone');
    expect(findPersonalData('（0512）6500 0000')).toBe('phone');
    expect(findPersonalData('邮箱 ww@example.cn')).toBe('email');
    expect(findPersonalData('身份证320102199001011234')).toBe('id_number');
    expect(findPersonalData('１３９００００００００')).toBe('mobile');
    expect(findPersonalData('2021年5月30日，300名科技工作者参加，2021-2025年规划，编号20210530')).toBeNull();
  });
});
