import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { fetchNotifications, noticeKeys } from '../api/notices';
import type { NotificationView } from '../api/types';
import { useLanguage } from '../app/language';
import { formatDateTime } from '../lib/labels';

/** Notifications are polled this often (and when the bell opens). */
const pollMs = 60_000;

/** The bell in the header: unread count, the latest notifications; a click opens what it is about. */
export function NotificationBell() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const list = useQuery({
    queryKey: noticeKeys.notifications,
    queryFn: () => fetchNotifications(20),
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
    staleTime: 10_000,
  });
  const markRead = useMutation({
    mutationFn: (ids?: string[]) => api.post('/notifications/read', ids ? { ids } : {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: noticeKeys.notifications }),
  });

  const openItem = (item: NotificationView) => {
    setOpen(false);
    if (!item.readAt) markRead.mutate([item.id]);
    // A notification is often about a new notice: the inbox count changes with it.
    void queryClient.invalidateQueries({ queryKey: noticeKeys.inboxAll });
    if (item.link?.startsWith('/')) void navigate(item.link);
  };

  const items = list.data?.items ?? [];
  const unread = list.data?.unread ?? 0;
  const content = (
    <div className="hj-bell-panel">
      <div className="hj-bell-head">
        <Typography.Text strong>{t('notifications.title')}</Typography.Text>
        {unread > 0 && (
          <Button type="link" size="small" data-testid="notification-read-all" onClick={() => markRead.mutate(undefined)}>
            {t('notifications.markAllRead')}
          </Button>
        )}
      </div>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <ul className="hj-bell-list">
          {items.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                data-testid="notification-item"
                className={item.readAt ? 'hj-bell-item' : 'hj-bell-item hj-bell-item-unread'}
                onClick={() => openItem(item)}
              >
                <span className="hj-bell-item-title">{item.title}</span>
                {item.body && <span className="hj-bell-item-body">{item.body}</span>}
                <span className="hj-bell-item-time">{formatDateTime(item.createdAt, language)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );

  return (
    <Popover
      content={content}
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) void list.refetch();
      }}
    >
      <Button
        type="text"
        data-testid="notification-bell"
        aria-label={t('notifications.bellLabel', { count: unread })}
        style={{ color: 'rgba(255,255,255,0.85)' }}
        icon={
          <Badge count={unread} size="small" offset={[4, -2]}>
            <BellOutlined style={{ color: 'rgba(255,255,255,0.85)', fontSize: 16 }} />
          </Badge>
        }
      />
    </Popover>
  );
}
