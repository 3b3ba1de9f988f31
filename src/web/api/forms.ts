import { api } from './client';
import type { FormSummary, FormTemplateView, FormVersionView, FormView } from './types';

export const formKeys = {
  all: ['forms'] as const,
  templates: ['forms', 'templates'] as const,
  list: (unitId: number | null) => ['forms', 'list', unitId] as const,
  detail: (id: number) => ['forms', 'detail', id] as const,
  version: (id: number) => ['forms', 'version', id] as const,
};

export const fetchFormTemplates = () => api.get<FormTemplateView[]>('/form-templates');

export const fetchForms = (unitId?: number | null) => api.get<FormSummary[]>('/forms', { query: { unitId: unitId ?? undefined } });

export const fetchForm = (id: number) => api.get<FormView>(`/forms/${id}`);

export const fetchFormVersion = (id: number) => api.get<FormVersionView>(`/form-versions/${id}`);
