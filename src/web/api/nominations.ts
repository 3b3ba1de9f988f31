import { api } from './client';

/** 推荐人选 (最美科技工作者 and the like): the API as the browser uses it. */
export interface NominationFields {
  personName: string;
  gender: 'male' | 'female';
  birthYear: number;
  workUnit: string;
  discipline: string;
  jobTitle: string;
  achievements: string;
  photoFileId: string | null;
}

export interface NominationView extends NominationFields {
  id: number;
  taskId: number;
  unitId: number;
  unitName: string;
  achievementsWords: number;
  status: 'draft' | 'submitted' | 'withdrawn';
  submittedAt: string | null;
  version: number;
}

export interface NominationList {
  task: { id: number; title: string; issuerName: string; deadline: string; closed: boolean };
  collecting: boolean;
  own: { unitId: number; unitName: string; max: number; submitted: number } | null;
  items: NominationView[];
}

export const nominationKeys = { list: (taskId: number) => ['nominations', taskId] as const };

export const fetchNominations = (taskId: number) => api.get<NominationList>(`/collection-tasks/${taskId}/nominations`);
export const createNomination = (taskId: number, body: NominationFields) => api.post<NominationView>(`/collection-tasks/${taskId}/nominations`, body);
export const updateNomination = (id: number, body: NominationFields & { version: number }) => api.put<NominationView>(`/nominations/${id}`, body);
export const submitNomination = (id: number, version: number) => api.post<NominationView>(`/nominations/${id}/submit`, { version });
export const withdrawNomination = (id: number, version: number) => api.post<{ ok: true }>(`/nominations/${id}/withdraw`, { version });
export const fileUrl = (fileId: string) => `/api/v1/files/${fileId}`;
