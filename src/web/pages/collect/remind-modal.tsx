import { MailOutlined, WarningOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Input, Modal, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { previewReminder, sendReminder, supervisionKeys } from '../../api/supervision';
import type { ReminderPreview } from '../../api/types';
import { useErrorText, useReportError } from '../../lib/errors';

/** Recipients listed in the modal; beyond this the rest are counted. */
const listedRecipients = 500;

/**
 * 催办: who will be reminded and the mail they get (rendered by the server from the unit's
 * template), with a message of the collector's own; then send.
 * unitIds undefined: every unit that has not submitted.
 */
export function RemindModal({ taskId, unitIds, onClose, onSent }: { taskId: number; unitIds: number[] | undefined; onClose: () => void; onSent: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const reportError = useReportError();
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<ReminderPreview | null>(null);
  const [previewed, setPreviewed] = useState<string | null>(null);

  const load = useMutation({
    mutationFn: (messageText: string) => previewReminder(taskId, { unitIds, message: messageText }),
    onSuccess: (result, messageText) => {
      setPreview(result);
      setPreviewed(messageText);
    },
  });
  const send = useMutation({
    mutationFn: () => sendReminder(taskId, { unitIds, message: text.trim() }),
    onSuccess: ({ sent }) => {
      void message.success(t('remind.sent', { count: sent }));
      void queryClient.invalidateQueries({ queryKey: supervisionKeys.completionAll(taskId) });
      void queryClient.invalidateQueries({ queryKey: supervisionKeys.reminders(taskId) });
      onSent();
    },
    onError: (error) => reportError(error),
  });

  // The recipients and the mail as it stands, as soon as the modal opens.
  const { mutate } = load;
  useEffect(() => {
    mutate('');
  }, [mutate]);

  const recipients = preview?.recipients ?? [];
  const withoutEmail = recipients.filter((r) => !r.hasEmail).length;
  const stale = preview !== null && previewed !== text.trim();

  return (
    <Modal
      open
      width={720}
      title={unitIds ? t('remind.titleSelected', { count: unitIds.length }) : t('remind.titleAll')}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button onClick={() => load.mutate(text.trim())} loading={load.isPending} data-testid="remind-preview">
            {t('remind.preview')}
          </Button>
          <Button
            type="primary"
            icon={<MailOutlined />}
            loading={send.isPending}
            disabled={!preview || recipients.length === 0}
            onClick={() => send.mutate()}
            data-testid="remind-send"
          >
            {t('remind.send', { count: recipients.length })}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <div>
          <Typography.Text strong>{t('remind.message')}</Typography.Text>
          <Input.TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={1000}
            showCount
            autoSize={{ minRows: 2, maxRows: 6 }}
            placeholder={t('remind.messagePlaceholder')}
            data-testid="remind-message"
          />
        </div>
        {load.isError && <Alert type="error" showIcon title={errorText(load.error)} />}
        {!preview && load.isPending && <Spin />}
        {preview && (
          <>
            <div>
              <Typography.Text strong>{t('remind.recipients', { count: recipients.length })}</Typography.Text>
              {withoutEmail > 0 && (
                <Typography.Text type="warning" style={{ marginLeft: 8 }}>
                  <WarningOutlined /> {t('remind.withoutEmail', { count: withoutEmail })}
                </Typography.Text>
              )}
              {recipients.length === 0 ? (
                <Alert type="info" showIcon title={t('remind.noRecipients')} />
              ) : (
                <div className="hj-recipients" data-testid="remind-recipients">
                  {recipients.slice(0, listedRecipients).map((r) => (
                    <span key={r.unitId} className={`hj-tag ${r.hasEmail ? '' : 'hj-tag-orange'}`} style={{ margin: 2 }} data-testid="remind-recipient" data-unit-id={r.unitId}>
                      {r.unitName}
                      {!r.hasEmail && ` · ${t('remind.noEmail')}`}
                    </span>
                  ))}
                  {recipients.length > listedRecipients && (
                    <Typography.Text type="secondary"> {t('remind.more', { count: recipients.length - listedRecipients })}</Typography.Text>
                  )}
                </div>
              )}
            </div>
            <div>
              <Typography.Text strong>{t('remind.sample')}</Typography.Text>
              {stale && (
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {t('remind.sampleStale')}
                </Typography.Text>
              )}
              <pre className="hj-mail-sample" data-testid="remind-sample">
                <strong>{preview.sample.subject}</strong>
                {'\n\n'}
                {preview.sample.body}
              </pre>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('remind.sampleHint')}
              </Typography.Text>
            </div>
          </>
        )}
      </Space>
    </Modal>
  );
}
