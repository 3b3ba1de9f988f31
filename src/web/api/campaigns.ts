import { api } from './client';
import type { CampaignActivityView, CampaignView } from './types';

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: (unitId: number | null, year: number | null) => ['campaigns', 'list', unitId, year] as const,
  detail: (id: number) => ['campaigns', 'detail', id] as const,
  activities: (id: number) => ['campaigns', 'activities', id] as const,
  assigned: ['campaigns', 'assigned'] as const,
};

export const fetchCampaigns = (query: { unitId?: number | null; year?: number | null } = {}) =>
  api.get<CampaignView[]>('/campaigns', { query: { unitId: query.unitId ?? undefined, year: query.year ?? undefined } });

export const fetchCampaign = (id: number) => api.get<CampaignView>(`/campaigns/${id}`);

export const fetchActivities = (id: number) => api.get<CampaignActivityView[]>(`/campaigns/${id}/activities`);

export const fetchAssignedActivities = () => api.get<CampaignActivityView[]>('/campaign-activities/assigned');

/** The order in which a responsible department moves an activity along. */
export const activityStatusOrder = ['planned', 'preparing', 'held', 'reported'] as const;
