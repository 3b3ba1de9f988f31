/**
 * Evaluation as real selections run it: experts score candidates on weighted criteria; scores are
 * aggregated (mean, or a trimmed mean dropping the highest and lowest), optionally normalised per
 * expert; candidates are ranked with ties flagged. Experts never score their own unit, its
 * ancestors or its descendants.
 */

export interface Criterion {
  id: number;
  weight: number;
  minScore: number;
  maxScore: number;
}

/** One expert's total for one candidate: the weighted sum of criterion scores. */
export function weightedTotal(criteria: readonly Criterion[], scores: ReadonlyMap<number, number>): number | null {
  let total = 0;
  for (const c of criteria) {
    const score = scores.get(c.id);
    if (score === undefined) return null;
    total += score * c.weight;
  }
  return Math.round(total * 1000) / 1000;
}

export function scoreInRange(criterion: Criterion, score: number): boolean {
  return Number.isFinite(score) && score >= criterion.minScore && score <= criterion.maxScore;
}

/** Mean, or the trimmed mean (highest and lowest dropped) when there are at least 3 scores. */
export function aggregate(values: readonly number[], method: 'mean' | 'trimmed_mean'): number | null {
  if (values.length === 0) return null;
  let kept = [...values];
  if (method === 'trimmed_mean' && kept.length >= 3) kept = kept.sort((a, b) => a - b).slice(1, -1);
  return Math.round((kept.reduce((s, v) => s + v, 0) / kept.length) * 1000) / 1000;
}

/**
 * Normalises each expert's totals to z-scores, so a lenient expert and a strict one weigh the same;
 * an expert who gave everyone the same total contributes 0 for each.
 */
export function normaliseByReviewer(totals: readonly { reviewer: number; candidate: number; total: number }[]) {
  const byReviewer = new Map<number, number[]>();
  for (const t of totals) byReviewer.set(t.reviewer, [...(byReviewer.get(t.reviewer) ?? []), t.total]);
  const stats = new Map(
    [...byReviewer].map(([reviewer, values]) => {
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
      return [reviewer, { mean, sd }];
    }),
  );
  return totals.map((t) => {
    const { mean, sd } = stats.get(t.reviewer)!;
    return { ...t, total: sd === 0 ? 0 : Math.round(((t.total - mean) / sd) * 1000) / 1000 };
  });
}

export interface Ranked<T> {
  item: T;
  score: number | null;
  rank: number | null;
  /** True when another candidate has exactly the same score: the decision must say who goes first. */
  tied: boolean;
}

/** Ranks by score, highest first; equal scores share a rank and are flagged; unscored come last. */
export function rank<T>(items: readonly T[], scoreOf: (item: T) => number | null): Ranked<T>[] {
  const scored = items.map((item) => ({ item, score: scoreOf(item) }));
  scored.sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity));
  const counts = new Map<number, number>();
  for (const s of scored) if (s.score !== null) counts.set(s.score, (counts.get(s.score) ?? 0) + 1);
  let previous: number | null = null;
  let currentRank = 0;
  return scored.map((s, index) => {
    if (s.score === null) return { item: s.item, score: null, rank: null, tied: false };
    if (s.score !== previous) currentRank = index + 1;
    previous = s.score;
    return { item: s.item, score: s.score, rank: currentRank, tied: (counts.get(s.score) ?? 0) > 1 };
  });
}

/** A reviewer from `reviewerUnitPath` may not score a candidate of its own unit, an ancestor or a descendant. */
export function conflictOfInterest(reviewerUnitPath: string, candidateUnitPath: string): boolean {
  return candidateUnitPath.startsWith(reviewerUnitPath) || reviewerUnitPath.startsWith(candidateUnitPath);
}

/**
 * Assigns each candidate `perCandidate` reviewers, always to the least-loaded reviewers without a
 * conflict (ties broken by the order given), so the load stays balanced.
 */
export function assignReviewers(
  candidates: readonly { id: number; unitPath: string }[],
  reviewers: readonly { id: number; unitPath: string }[],
  perCandidate: number,
): { assignments: { candidateId: number; reviewerId: number }[]; shortfall: number[] } {
  const load = new Map(reviewers.map((r) => [r.id, 0]));
  const assignments: { candidateId: number; reviewerId: number }[] = [];
  const shortfall: number[] = [];
  for (const candidate of candidates) {
    const eligible = reviewers.filter((r) => !conflictOfInterest(r.unitPath, candidate.unitPath)).sort((a, b) => load.get(a.id)! - load.get(b.id)!);
    const chosen = eligible.slice(0, perCandidate);
    if (chosen.length < perCandidate) shortfall.push(candidate.id);
    for (const r of chosen) {
      assignments.push({ candidateId: candidate.id, reviewerId: r.id });
      load.set(r.id, load.get(r.id)! + 1);
    }
  }
  return { assignments, shortfall };
}

/** Publicity (公示) runs for a number of days; objections are taken while it runs. */
export const evaluationStages = ['eligibility', 'review', 'decision', 'publicity', 'announced'] as const;
export type EvaluationStage = (typeof evaluationStages)[number];

export function nextStage(stage: EvaluationStage): EvaluationStage | null {
  const i = evaluationStages.indexOf(stage);
  return evaluationStages[i + 1] ?? null;
}

/** Recommendation quota per kind of recommending unit (2 per 设区市科协, 1 per 省级学会, 1–2 per 高校科协). */
export interface RecommendationQuota {
  default: { min: number; max: number };
  byUnitType: Partial<Record<string, { min: number; max: number }>>;
}

export function quotaFor(quota: RecommendationQuota, unitType: string): { min: number; max: number } {
  return quota.byUnitType[unitType] ?? quota.default;
}
