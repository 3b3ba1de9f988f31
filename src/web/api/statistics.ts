import { api } from './client';
import type { OverviewView, StatisticsView } from './types';

export const statisticsKeys = {
  all: ['statistics'] as const,
  statistics: (campaignId: number, unitId: number | null) => ['statistics', 'campaign', campaignId, unitId] as const,
  overview: (campaignId: number, unitId: number | null) => ['statistics', 'overview', campaignId, unitId] as const,
};

/** unitId null: the caller's own unit. */
export const fetchStatistics = (campaignId: number, unitId: number | null) =>
  api.get<StatisticsView>(`/campaigns/${campaignId}/statistics`, { query: { unitId: unitId ?? undefined } });

export const fetchOverview = (campaignId: number, unitId: number | null) =>
  api.get<OverviewView>(`/campaigns/${campaignId}/overview`, { query: { unitId: unitId ?? undefined } });

export const statisticsLinks = {
  xlsx: (campaignId: number, unitId: number | null) => `/api/v1/campaigns/${campaignId}/statistics.xlsx${unitId ? `?unitId=${unitId}` : ''}`,
};
