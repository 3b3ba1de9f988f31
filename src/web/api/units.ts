import { api } from './client';
import type { UnitDetail, UnitSearchHit, UnitSummary } from './types';

export const unitKeys = {
  all: ['units'] as const,
  roots: ['units', 'roots'] as const,
  children: (id: number, includeInactive: boolean) => ['units', 'children', id, includeInactive] as const,
  detail: (id: number) => ['units', 'detail', id] as const,
  search: (q: string, includeInactive: boolean) => ['units', 'search', q, includeInactive] as const,
};

export const fetchRootUnits = () => api.get<UnitSummary[]>('/units/roots');

export const fetchChildUnits = (id: number, includeInactive: boolean) =>
  api.get<UnitSummary[]>(`/units/${id}/children`, { query: { includeInactive } });

export const fetchUnit = (id: number) => api.get<UnitDetail>(`/units/${id}`);

export const searchUnits = (q: string, includeInactive: boolean, limit = 30) =>
  api.get<UnitSearchHit[]>('/units/search', { query: { q, limit, includeInactive } });

/** "中国科协 / 江苏省科协 / 南京市科协": the ancestors (root first) and the unit itself. */
export function unitPath(ancestors: readonly { shortName: string }[], self?: string): string {
  return [...ancestors.map((a) => a.shortName), ...(self ? [self] : [])].join(' / ');
}
