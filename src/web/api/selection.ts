import { api } from './client';
import type { ObjectionView, ProvenanceView, RecommendationPool, ResultsView, ReviewAssignment, RoundStage, RoundView } from './types';

export const selectionKeys = {
  all: ['selection'] as const,
  pool: (taskId: number) => ['selection', 'pool', taskId] as const,
  provenance: (activityId: number) => ['selection', 'provenance', activityId] as const,
  round: (id: number) => ['selection', 'round', id] as const,
  results: (id: number) => ['selection', 'results', id] as const,
  objections: (id: number) => ['selection', 'objections', id] as const,
  myReviews: ['selection', 'my-reviews'] as const,
};

// --- 择优推荐 ---------------------------------------------------------------------------------
export const fetchPool = (taskId: number) => api.get<RecommendationPool>(`/collection-tasks/${taskId}/recommendation-pool`);
export const recommend = (taskId: number, body: { activityId: number; reason: string }) => api.post<{ id: number }>(`/collection-tasks/${taskId}/recommendations`, body);
export const withdrawRecommendation = (id: number) => api.delete<{ ok: true }>(`/recommendations/${id}`);
export const fetchProvenance = (activityId: number) => api.get<ProvenanceView>(`/activities/${activityId}/provenance`);

// --- 评选 -------------------------------------------------------------------------------------
export interface CreateRoundRequest {
  unitId: number;
  title: string;
  campaignId?: number | null;
  sourceTaskId?: number | null;
  categories: { name: string; kind: 'activity' | 'unit' | 'person'; places: number }[];
  criteria: { name: string; weight: number; minScore: number; maxScore: number }[];
  blind: boolean;
  aggregation: 'mean' | 'trimmed_mean';
  normalise: boolean;
  publicityDays: number;
}

export const createRound = (body: CreateRoundRequest) => api.post<RoundView>('/evaluation-rounds', body);
export const fetchRound = (id: number) => api.get<RoundView>(`/evaluation-rounds/${id}`);
export const advanceStage = (id: number, to: RoundStage) => api.post<RoundView>(`/evaluation-rounds/${id}/stage`, { to });
export const proposeCandidates = (id: number) => api.post<{ added: number }>(`/evaluation-rounds/${id}/candidates/propose`);
/** Edits answer with the record's new version (a stale `version` is refused with 409 stale_version). */
type Versioned = { ok: true; version: number };
export const setEligibility = (candidateId: number, body: { eligible: boolean; note: string; version: number }) =>
  api.patch<Versioned>(`/evaluation-candidates/${candidateId}/eligibility`, body);
export const setRoundReviewers = (id: number, userIds: number[], version: number) => api.put<Versioned>(`/evaluation-rounds/${id}/reviewers`, { userIds, version });
export const assignReviewers = (id: number, perCandidate: number) =>
  api.post<{ assignments: number; shortfall: number[] }>(`/evaluation-rounds/${id}/assign`, { perCandidate });
export const setCandidateReviewers = (candidateId: number, userIds: number[], version: number) =>
  api.put<Versioned>(`/evaluation-candidates/${candidateId}/reviewers`, { userIds, version });
export const fetchResults = (id: number) => api.get<ResultsView>(`/evaluation-rounds/${id}/results`);
export const decide = (id: number, categoryId: number, candidateIds: number[], version: number) =>
  api.put<Versioned>(`/evaluation-rounds/${id}/decision`, { categoryId, candidateIds, version });
export const fetchObjections = (id: number) => api.get<ObjectionView[]>(`/evaluation-rounds/${id}/objections`);
export const resolveObjection = (id: number, body: { resolution: string; upheld: boolean }) => api.post<{ ok: true }>(`/evaluation-objections/${id}/resolve`, body);
export const createCommendation = (id: number) => api.post<{ noticeId: number }>(`/evaluation-rounds/${id}/commendation`);

export const roundLinks = {
  mailingXlsx: (id: number) => `/api/v1/evaluation-rounds/${id}/mailing.xlsx`,
  labelsPdf: (id: number) => `/api/v1/evaluation-rounds/${id}/labels.pdf`,
  publicity: (id: number) => `/publicity/${id}`,
};

// --- 评审（专家）-------------------------------------------------------------------------------
export const fetchMyReviews = () => api.get<ReviewAssignment[]>('/my-reviews');
export const saveScores = (candidateId: number, body: { scores: { criterionId: number; score: number }[]; comment: string; submit: boolean; version: number }) =>
  api.put<Versioned>(`/my-reviews/${candidateId}/scores`, body);
export const declineReview = (candidateId: number, reason: string) => api.post<{ ok: true }>(`/my-reviews/${candidateId}/decline`, { reason });

/** Rounds opened on this browser (the API has no list of rounds): most recent first. */
const recentKey = 'huiju.recentRounds';
export interface RecentRound {
  id: number;
  title: string;
  unitName: string;
  openedAt: string;
}

export function recentRounds(userId: number): RecentRound[] {
  try {
    const all = JSON.parse(window.localStorage.getItem(recentKey) ?? '{}') as Record<string, RecentRound[]>;
    return Array.isArray(all[userId]) ? all[userId] : [];
  } catch {
    return [];
  }
}

export function rememberRound(userId: number, round: { id: number; title: string; unitName: string }) {
  try {
    const all = JSON.parse(window.localStorage.getItem(recentKey) ?? '{}') as Record<string, RecentRound[]>;
    const list = (Array.isArray(all[userId]) ? all[userId] : []).filter((r) => r.id !== round.id);
    all[userId] = [{ id: round.id, title: round.title, unitName: round.unitName, openedAt: new Date().toISOString() }, ...list].slice(0, 30);
    window.localStorage.setItem(recentKey, JSON.stringify(all));
  } catch {
    // Storage unavailable: the list is only a convenience.
  }
}
