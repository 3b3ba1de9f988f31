import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Input, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessages, formatMessage } from '../../../shared/i18n/messages';
import { api, ApiError } from '../../api/client';
import { noticeLinks } from '../../api/notices';
import type { StoredFileView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { baseDetail, isSessionEnd, useErrorText } from '../../lib/errors';
import { formatBytes } from '../../lib/labels';

export interface AttachmentValue {
  fileId: string;
  name: string;
  size?: number;
}

/** As the server accepts them (it checks the content, not just the name). */
const accept = '.pdf,.docx,.doc,.xlsx,.xls,.jpg,.jpeg,.png';
const maxBytes = 20 * 1024 * 1024;
const maxCount = 20;

/**
 * 附件: upload files (one request each) and list them; the name printed in the notice can be
 * changed. Upload problems (too large, wrong type, content not matching the name) are shown under
 * the field in the server's words.
 */
export function AttachmentsInput({ value, onChange, unitId, id }: { value?: AttachmentValue[]; onChange?: (v: AttachmentValue[]) => void; unitId: number | undefined; id?: string }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const items = value ?? [];

  const upload = async (files: File[]) => {
    setError(null);
    let current = items;
    setBusy(true);
    try {
      for (const file of files) {
        if (current.length >= maxCount) {
          setError(t('notices.attachmentsTooMany', { max: maxCount }));
          break;
        }
        if (file.size > maxBytes) {
          setError(`${file.name}：${formatMessage(errorMessages[language].file_too_large, { max: '20 MB' })}`);
          continue;
        }
        const form = new FormData();
        form.append('file', file, file.name);
        try {
          const stored = await api.upload<StoredFileView>('/files', form, { query: { unitId } });
          current = [...current, { fileId: stored.id, name: stored.name.replace(/\.[^.]+$/, '') || stored.name, size: stored.size }];
          onChange?.(current);
        } catch (failure) {
          if (isSessionEnd(failure)) return;
          const text = failure instanceof ApiError && failure.problem ? baseDetail(failure.problem) : errorText(failure);
          setError(files.length > 1 ? `${file.name}：${text}` : text);
        }
      }
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <div id={id} className="hj-attachments">
      {items.length > 0 && (
        <ol className="hj-attachment-list" data-testid="attachment-list">
          {items.map((item, index) => (
            <li key={item.fileId} data-testid="attachment-item">
              <Space.Compact style={{ width: '100%', maxWidth: 620 }}>
                <Input
                  prefix={<PaperClipOutlined />}
                  value={item.name}
                  maxLength={200}
                  aria-label={t('notices.attachmentName')}
                  onChange={(e) => onChange?.(items.map((a, i) => (i === index ? { ...a, name: e.target.value } : a)))}
                  suffix={item.size !== undefined ? <Typography.Text type="secondary">{formatBytes(item.size)}</Typography.Text> : undefined}
                />
                <Button href={noticeLinks.ownFile(item.fileId)} download>
                  {t('common.download')}
                </Button>
                <Button danger icon={<DeleteOutlined />} aria-label={t('notices.attachmentRemove')} onClick={() => onChange?.(items.filter((_, i) => i !== index))} />
              </Space.Compact>
            </li>
          ))}
        </ol>
      )}
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        className="hj-visually-hidden"
        data-testid="attachment-upload"
        aria-label={t('notices.attachmentUpload')}
        onChange={(e) => void upload([...(e.target.files ?? [])])}
      />
      <Space wrap>
        <Button icon={<UploadOutlined />} loading={busy} disabled={!unitId || items.length >= maxCount} onClick={() => input.current?.click()}>
          {t('notices.attachmentUpload')}
        </Button>
        <Typography.Text type="secondary">{t('notices.attachmentsHint')}</Typography.Text>
      </Space>
      {error && (
        <div className="ant-form-item-explain-error hj-attachments-error" role="alert" data-testid="attachments-error">
          {error}
        </div>
      )}
    </div>
  );
}
