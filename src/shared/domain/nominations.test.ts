import { describe, expect, it } from 'vitest';
import { achievementsWordLimit, nominationProblems, nominationQuotaLeft, type NominationPerson } from './nominations';

const person = (overrides: Partial<NominationPerson> = {}): NominationPerson => ({
  personName: '李华',
  gender: 'female',
  birthYear: 1978,
  workUnit: '南京大学',
  discipline: '材料科学',
  jobTitle: '教授',
  achievements: '长期从事新型储能材料研究，'.repeat(10),
  photoFileId: '7d4f8a8e-1f7c-4a53-9d56-0f6b7a2c1e11',
  ...overrides,
});

describe('nominationProblems', () => {
  it('accepts a complete nomination', () => {
    expect(nominationProblems(person(), 2027)).toEqual([]);
  });

  it('counts 主要事迹 as Word does and refuses one 字 over the limit', () => {
    const exact = '科'.repeat(achievementsWordLimit);
    expect(nominationProblems(person({ achievements: exact }), 2027)).toEqual([]);
    expect(nominationProblems(person({ achievements: `${exact}。` }), 2027)).toEqual([
      { field: 'achievements', code: 'too_many_words', params: { max: achievementsWordLimit, count: achievementsWordLimit + 1 } },
    ]);
  });

  it('asks for enough 事迹, a plausible birth year and a photo', () => {
    const problems = nominationProblems(person({ achievements: '事迹突出', birthYear: 2015, photoFileId: null }), 2027);
    expect(problems.map((p) => p.field)).toEqual(['achievements', 'birthYear', 'photoFileId']);
  });
});

describe('nominationQuotaLeft', () => {
  it('never goes below zero', () => {
    expect(nominationQuotaLeft(2, 0)).toBe(2);
    expect(nominationQuotaLeft(2, 2)).toBe(0);
    expect(nominationQuotaLeft(1, 3)).toBe(0);
  });
});
