import { api } from './client';
import type { CascadeView, InboxList, NoticeList, NoticeStatus, NoticeView, NotificationList } from './types';

export type InboxState = 'unread' | 'read' | 'acknowledged' | 'all';
export type CascadeFilter = 'all' | 'not_acknowledged' | 'not_read';

export interface NoticeListQuery {
  issuerUnitId?: number | undefined;
  status?: NoticeStatus | undefined;
  campaignId?: number | undefined;
  page: number;
  pageSize: number;
}

export const noticeKeys = {
  all: ['notices'] as const,
  list: (query: NoticeListQuery) => ['notices', 'list', query] as const,
  detail: (id: number) => ['notices', 'detail', id] as const,
  cascade: (id: number, filter: CascadeFilter) => ['notices', 'cascade', id, filter] as const,
  inboxAll: ['inbox'] as const,
  inbox: (state: InboxState, page: number, pageSize: number) => ['inbox', state, page, pageSize] as const,
  /** Just the unread count, for the menu badge. */
  inboxUnread: ['inbox', 'unread-count'] as const,
  notifications: ['notifications'] as const,
};

export const fetchNotices = (query: NoticeListQuery) => api.get<NoticeList>('/notices', { query: { ...query } });

export const fetchNotice = (id: number) => api.get<NoticeView>(`/notices/${id}`);

export const fetchInbox = (state: InboxState, page: number, pageSize: number) =>
  api.get<InboxList>('/inbox', { query: { state, page, pageSize } });

export const fetchCascade = (id: number, filter: CascadeFilter) => api.get<CascadeView>(`/notices/${id}/cascade`, { query: { filter } });

export const fetchNotifications = (limit = 20) => api.get<NotificationList>('/notifications', { query: { limit } });

/** Links the browser follows itself (downloads keep the session cookie; GET needs no CSRF token). */
export const noticeLinks = {
  docx: (id: number) => `/api/v1/notices/${id}/document.docx`,
  pdf: (id: number) => `/api/v1/notices/${id}/document.pdf`,
  attachment: (id: number, fileId: string) => `/api/v1/notices/${id}/attachments/${fileId}`,
  cascadeXlsx: (id: number, filter: CascadeFilter) => `/api/v1/notices/${id}/cascade.xlsx?filter=${filter}`,
  ownFile: (fileId: string) => `/api/v1/files/${fileId}`,
};
