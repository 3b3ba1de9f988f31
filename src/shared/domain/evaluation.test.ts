import { describe, expect, it } from 'vitest';
import { aggregate, assignReviewers, conflictOfInterest, nextStage, normaliseByReviewer, quotaFor, rank, weightedTotal } from './evaluation';

const criteria = [
  { id: 1, weight: 0.6, minScore: 0, maxScore: 100 },
  { id: 2, weight: 0.4, minScore: 0, maxScore: 100 },
];

describe('evaluation scoring', () => {
  it('weights criterion scores, and needs all of them', () => {
    expect(weightedTotal(criteria, new Map([[1, 90], [2, 80]]))).toBe(86);
    expect(weightedTotal(criteria, new Map([[1, 90]]))).toBeNull();
  });

  it('aggregates by mean or trimmed mean', () => {
    expect(aggregate([80, 90, 100], 'mean')).toBe(90);
    expect(aggregate([60, 90, 91, 100], 'trimmed_mean')).toBe(90.5);
    expect(aggregate([60, 90], 'trimmed_mean')).toBe(75);
    expect(aggregate([], 'mean')).toBeNull();
  });

  it('normalises each expert to z-scores', () => {
    const lenient = [{ reviewer: 1, candidate: 1, total: 95 }, { reviewer: 1, candidate: 2, total: 85 }];
    const strict = [{ reviewer: 2, candidate: 1, total: 70 }, { reviewer: 2, candidate: 2, total: 60 }];
    const z = normaliseByReviewer([...lenient, ...strict]);
    expect(z.map((t) => t.total)).toEqual([1, -1, 1, -1]);
    expect(normaliseByReviewer([{ reviewer: 3, candidate: 1, total: 80 }])[0]!.total).toBe(0);
  });

  it('ranks with ties flagged and unscored last', () => {
    const ranked = rank(['a', 'b', 'c', 'd', 'e'], (x) => ({ a: 90, b: 95, c: 90, d: null, e: 80 })[x] ?? null);
    expect(ranked.map((r) => [r.item, r.rank, r.tied])).toEqual([
      ['b', 1, false],
      ['a', 2, true],
      ['c', 2, true],
      ['e', 4, false],
      ['d', null, false],
    ]);
  });
});

describe('reviewers', () => {
  it('excludes a reviewer from its own unit, its ancestors and its descendants', () => {
    expect(conflictOfInterest('/1/11/', '/1/11/103/')).toBe(true);
    expect(conflictOfInterest('/1/11/103/', '/1/11/')).toBe(true);
    expect(conflictOfInterest('/1/11/', '/1/11/')).toBe(true);
    expect(conflictOfInterest('/1/11/', '/1/12/')).toBe(false);
  });

  it('assigns balanced loads, skipping conflicts', () => {
    const reviewers = [
      { id: 1, unitPath: '/1/11/' },
      { id: 2, unitPath: '/1/12/' },
      { id: 3, unitPath: '/1/13/' },
    ];
    const candidates = [
      { id: 10, unitPath: '/1/11/103/' },
      { id: 11, unitPath: '/1/12/200/' },
      { id: 12, unitPath: '/1/14/' },
      { id: 13, unitPath: '/1/15/' },
    ];
    const { assignments, shortfall } = assignReviewers(candidates, reviewers, 2);
    expect(shortfall).toEqual([]);
    expect(assignments.filter((a) => a.candidateId === 10).map((a) => a.reviewerId)).not.toContain(1);
    expect(assignments.filter((a) => a.candidateId === 11).map((a) => a.reviewerId)).not.toContain(2);
    const loads = [1, 2, 3].map((r) => assignments.filter((a) => a.reviewerId === r).length);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
    expect(assignReviewers([{ id: 20, unitPath: '/1/11/' }], [{ id: 1, unitPath: '/1/' }], 1).shortfall).toEqual([20]);
  });
});

describe('stages and quotas', () => {
  it('moves through eligibility → review → decision → publicity → announced', () => {
    expect(nextStage('eligibility')).toBe('review');
    expect(nextStage('publicity')).toBe('announced');
    expect(nextStage('announced')).toBeNull();
  });
  it('gives each kind of recommending unit its own quota', () => {
    const quota = { default: { min: 0, max: 1 }, byUnitType: { regional_association: { min: 0, max: 2 }, university_association: { min: 1, max: 2 } } };
    expect(quotaFor(quota, 'regional_association')).toEqual({ min: 0, max: 2 });
    expect(quotaFor(quota, 'learned_society')).toEqual({ min: 0, max: 1 });
  });
});
