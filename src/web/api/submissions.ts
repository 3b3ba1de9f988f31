import { api } from './client';
import type { CollectedList, DiffView, MyTaskList, RevisionView, SubmissionStatus, SubmissionView, TaskDetail } from './types';

export type MyTasksState = 'open' | 'all';

export interface CollectQuery {
  status?: SubmissionStatus | undefined;
  unitId?: number | undefined;
  moduleId?: string | undefined;
  phaseId?: string | undefined;
  late?: boolean | undefined;
  page: number;
  pageSize: number;
}

export const submissionKeys = {
  all: ['submissions'] as const,
  myTasks: (state: MyTasksState, page: number, pageSize: number) => ['submissions', 'my-tasks', state, page, pageSize] as const,
  task: (id: number) => ['submissions', 'task', id] as const,
  collected: (taskId: number, query: CollectQuery) => ['submissions', 'collected', taskId, query] as const,
  collectedAll: (taskId: number) => ['submissions', 'collected', taskId] as const,
  submission: (id: number) => ['submissions', 'one', id] as const,
  revisions: (id: number) => ['submissions', 'revisions', id] as const,
  diff: (id: number, from: number, to: number) => ['submissions', 'diff', id, from, to] as const,
};

export const fetchMyTasks = (state: MyTasksState, page: number, pageSize: number) =>
  api.get<MyTaskList>('/my-tasks', { query: { state, page, pageSize } });

export const fetchTaskDetail = (id: number) => api.get<TaskDetail>(`/collection-tasks/${id}`);

export const fetchCollected = (taskId: number, query: CollectQuery) =>
  api.get<CollectedList>(`/collection-tasks/${taskId}/submissions`, { query: { ...query, late: query.late ? 'true' : undefined } });

export const fetchSubmission = (id: number) => api.get<SubmissionView>(`/submissions/${id}`);

export const fetchRevisions = (id: number) => api.get<RevisionView[]>(`/submissions/${id}/revisions`);

export const fetchDiff = (id: number, from: number, to: number) => api.get<DiffView>(`/submissions/${id}/diff`, { query: { from, to } });

/** Links the browser follows itself (downloads keep the session cookie; GET needs no CSRF token). */
export const submissionLinks = {
  docx: (id: number) => `/api/v1/submissions/${id}/form.docx`,
  pdf: (id: number) => `/api/v1/submissions/${id}/form.pdf`,
  file: (fileId: string) => `/api/v1/files/${fileId}`,
  /** Paths for api download helpers (relative to /api/v1). */
  summaryPath: (taskId: number) => `/collection-tasks/${taskId}/summary.xlsx`,
  fullSummaryPath: (taskId: number) => `/collection-tasks/${taskId}/summary.xlsx?personalData=full`,
  zipPath: (taskId: number) => `/collection-tasks/${taskId}/files.zip`,
};

/** A key for one submit click, reused when the same click is retried (RFC draft Idempotency-Key). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID exists only in secure contexts; plain-HTTP intranet servers get the same from random bytes.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
