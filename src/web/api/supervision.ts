import { api } from './client';
import type { CompletionView, MailKind, MailTemplateView, OutboxList, ReminderPreview, ReminderSettings, ReminderView, TimelineView } from './types';

export type CompletionFilter = 'all' | 'overdue' | 'not_submitted';
export type OutboxStatus = 'queued' | 'sent' | 'failed';

export const supervisionKeys = {
  all: ['supervision'] as const,
  completion: (taskId: number, filter: CompletionFilter) => ['supervision', 'completion', taskId, filter] as const,
  completionAll: (taskId: number) => ['supervision', 'completion', taskId] as const,
  timeline: (taskId: number) => ['supervision', 'timeline', taskId] as const,
  reminders: (taskId: number) => ['supervision', 'reminders', taskId] as const,
  mailTemplates: (unitId: number) => ['supervision', 'mail-templates', unitId] as const,
  outbox: (status: OutboxStatus | null, page: number, pageSize: number) => ['supervision', 'outbox', status, page, pageSize] as const,
};

export const fetchCompletion = (taskId: number, filter: CompletionFilter) =>
  api.get<CompletionView>(`/collection-tasks/${taskId}/completion`, { query: { filter } });

export const fetchTimeline = (taskId: number) => api.get<TimelineView>(`/collection-tasks/${taskId}/timeline`);

export const fetchReminders = (taskId: number) => api.get<ReminderView[]>(`/collection-tasks/${taskId}/reminders`);

/** unitIds absent: every unit that has not submitted. */
export interface RemindRequest {
  unitIds?: number[] | undefined;
  message: string;
}

export const previewReminder = (taskId: number, body: RemindRequest) => api.post<ReminderPreview>(`/collection-tasks/${taskId}/reminders/preview`, body);

export const sendReminder = (taskId: number, body: RemindRequest) => api.post<{ sent: number }>(`/collection-tasks/${taskId}/reminders`, body);

export const saveReminderSettings = (taskId: number, body: ReminderSettings & { version: number }) =>
  api.put<ReminderSettings & { version: number }>(`/collection-tasks/${taskId}/reminder-settings`, body);

export const fetchMailTemplates = (unitId: number) => api.get<MailTemplateView[]>('/mail-templates', { query: { unitId } });

export const saveMailTemplate = (kind: MailKind, body: { unitId: number; subject: string; body: string; version: number }) => api.put<MailTemplateView>(`/mail-templates/${kind}`, body);

export const fetchOutbox = (status: OutboxStatus | null, page: number, pageSize: number) =>
  api.get<OutboxList>('/outbox', { query: { status: status ?? undefined, page, pageSize } });

/** Links the browser follows itself (downloads keep the session cookie; GET needs no CSRF token). */
export const supervisionLinks = {
  completionXlsx: (taskId: number, filter: CompletionFilter) => `/api/v1/collection-tasks/${taskId}/completion.xlsx?filter=${filter}`,
};
