import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography, type ButtonProps, type FormInstance, type TableColumnsType } from 'antd';
type FieldData<V> = Parameters<FormInstance<V>['setFields']>[0][number];
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { MyActivitiesView, PublicationBody, PublicationView } from '../../../shared/contracts/showcase';
import { api, ApiError } from '../../api/client';
import { ForbiddenResult } from '../../components/status-pages';
import { useErrorText } from '../../lib/errors';
import { hasAnyRole, submitterRoles, useRequiredSession } from '../../session/session';
import { ImageUploadButton } from '../../components/image-upload-button';
import { WordCountHint } from '../../components/word-count-hint';
import { finalReportWordLimit } from '../../../shared/domain/showcase';

type Item = MyActivitiesView['items'][number];
export const statusColors: Record<string, string> = { pending: 'processing', approved: 'success', rejected: 'error', withdrawn: 'default' };

/** /publishing — 活动发布: a unit's submitted activities, asking to publish them on the public column. */
export default function PublishingPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, submitterRoles)) return <ForbiddenResult />;
  return <Publishing />;
}

function Publishing() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Item | null>(null);
  const list = useQuery({
    queryKey: ['showcase', 'mine', status, page],
    queryFn: () => api.get<MyActivitiesView>('/showcase/activities', { query: { status, page, pageSize: 20 } }),
    placeholderData: keepPreviousData,
  });
  const columns: TableColumnsType<Item> = [
    { title: t('publishing.activity'), dataIndex: 'title', render: (title: string, item) => <span data-testid="publishing-title" data-activity-id={item.activityId}>{title}</span> },
    { title: t('publishing.unit'), dataIndex: 'unitName', width: 140 },
    { title: t('publishing.column'), dataIndex: 'campaignTitle', width: 220, render: (v: string | null) => v ?? t('common.none') },
    {
      title: t('publishing.status'),
      width: 180,
      render: (_, item) =>
        item.publication ? (
          <Space direction="vertical" size={0}>
            <Tag color={statusColors[item.publication.status]} data-testid="publishing-status">
              {t(`publishing.statuses.${item.publication.status}`)}
            </Tag>
            {item.publication.decisionNote && <Typography.Text type="secondary">{item.publication.decisionNote}</Typography.Text>}
          </Space>
        ) : (
          <Tag data-testid="publishing-status">{t('publishing.statuses.none')}</Tag>
        ),
    },
    {
      title: t('common.actions'),
      width: 200,
      render: (_, item) => (
        <Space wrap>
          <Button size="small" type="primary" disabled={item.campaignId === null} onClick={() => setEditing(item)} data-testid="publishing-request">
            {item.publication ? t('publishing.edit') : t('publishing.request')}
          </Button>
          {item.publication && (item.publication.status === 'approved' || item.publication.status === 'pending') && <WithdrawButton publicationId={item.publication.id} version={item.publication.version} />}
          <Link to={`/publishing/activities/${item.activityId}/signups`} data-testid="publishing-signups">
            {t('signups.manage')}
          </Link>
        </Space>
      ),
    },
  ];
  return (
    <Card title={t('publishing.title')} data-testid="publishing-page">
      <Typography.Paragraph type="secondary">{t('publishing.intro')}</Typography.Paragraph>
      <Select
        allowClear
        style={{ width: 200, marginBottom: 12 }}
        placeholder={t('publishing.allStatuses')}
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={(['none', 'pending', 'approved', 'rejected', 'withdrawn'] as const).map((s) => ({ value: s, label: t(`publishing.statuses.${s}`) }))}
      />
      {list.error && <Alert type="error" showIcon message={String((list.error as Error).message)} />}
      <Table<Item>
        rowKey="activityId"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        columns={columns}
        scroll={{ x: 800 }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
      />
      {editing && <RequestModal item={editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

export function WithdrawButton({ publicationId, version }: { publicationId: number; version: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const withdraw = useMutation({
    mutationFn: () => api.post<PublicationView>(`/showcase/publications/${publicationId}/withdraw`, { version, reason: reason.trim() }),
    onSuccess: async () => {
      setOpen(false);
      void message.success(t('publishing.withdrawn'));
      await queryClient.invalidateQueries({ queryKey: ['showcase'] });
    },
  });
  return (
    <>
      <Button size="small" danger onClick={() => setOpen(true)} data-testid="publishing-withdraw">
        {t('publishing.withdraw')}
      </Button>
      <Modal open={open} title={t('publishing.withdrawTitle')} onCancel={() => setOpen(false)} onOk={() => withdraw.mutate()} okButtonProps={{ danger: true, disabled: reason.trim().length < 2, loading: withdraw.isPending, 'data-testid': 'withdraw-confirm' } as ButtonProps} destroyOnHidden>
        <Input.TextArea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('publishing.withdrawReason')} data-testid="withdraw-reason" />
        {withdraw.error && <Alert style={{ marginTop: 8 }} type="error" showIcon message={errorText(withdraw.error)} />}
      </Modal>
    </>
  );
}

interface RequestForm {
  description: string;
  finalReport?: string;
  mediaLinks: { kind: 'video' | 'livestream' | 'coverage'; title: string; url: string }[];
}

function RequestModal({ item, onClose }: { item: Item; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<RequestForm>();
  const [photos, setPhotos] = useState<{ fileId: string; name: string }[]>([]);
  const finalReport = Form.useWatch('finalReport', form) ?? '';
  const existing = useQuery({
    queryKey: ['showcase', 'publication', item.publication?.id],
    queryFn: () => api.get<PublicationView>(`/showcase/publications/${item.publication!.id}`),
    enabled: item.publication !== null,
  });
  const [loadedFor, setLoadedFor] = useState<number | null>(null);
  if (existing.data && loadedFor !== existing.data.id) {
    setLoadedFor(existing.data.id);
    form.setFieldsValue({ description: existing.data.description, finalReport: existing.data.finalReport ?? '', mediaLinks: existing.data.mediaLinks });
    setPhotos(existing.data.photos.map((p) => ({ fileId: p.fileId, name: p.name })));
  }
  const save = useMutation({
    mutationFn: (values: RequestForm) => {
      const body: PublicationBody = {
        description: values.description,
        ...(values.finalReport?.trim() ? { finalReport: values.finalReport } : {}),
        photos: photos.map((p) => ({ fileId: p.fileId })),
        mediaLinks: values.mediaLinks ?? [],
        ...(existing.data ? { version: existing.data.version } : {}),
      };
      return api.put<PublicationView>(`/showcase/activities/${item.activityId}/publication`, body);
    },
    onSuccess: async () => {
      void message.success(t('publishing.requested'));
      await queryClient.invalidateQueries({ queryKey: ['showcase'] });
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.problem?.errors) {
        form.setFields(
          error.problem.errors
            .filter((e) => e.field === 'description' || e.field === 'finalReport' || e.field.startsWith('mediaLinks.'))
            .map((e) => ({ name: e.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) as FieldData<RequestForm>['name'], errors: [e.message] })),
        );
      }
    },
  });
  return (
    <Modal open title={t('publishing.requestTitle', { title: item.title })} onCancel={onClose} onOk={() => form.submit()} okText={t('publishing.submit')} okButtonProps={{ loading: save.isPending, 'data-testid': 'publication-submit' } as ButtonProps} width={640} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('publishing.privacy')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)} initialValues={{ mediaLinks: [] }}>
        <Form.Item name="description" label={t('publishing.description')} rules={[{ required: true, min: 10, max: 3000, message: t('publishing.descriptionRule') }]}>
          <Input.TextArea rows={6} maxLength={3000} showCount data-testid="publication-description" />
        </Form.Item>
        <Form.Item label={t('publishing.photos')} extra={t('publishing.photosHint')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            {photos.map((p) => (
              <Space key={p.fileId}>
                <Typography.Text data-testid="publication-photo">{p.name}</Typography.Text>
                <Button size="small" type="link" onClick={() => setPhotos((list) => list.filter((x) => x.fileId !== p.fileId))}>
                  {t('publishing.remove')}
                </Button>
              </Space>
            ))}
            <ImageUploadButton
              unitId={item.unitId}
              onUploaded={(stored) => setPhotos((list) => [...list, { fileId: stored.id, name: stored.name }])}
              disabled={photos.length >= 9}
              data-testid="publication-photo-upload"
            >
              {t('publishing.addPhoto')}
            </ImageUploadButton>
          </Space>
        </Form.Item>
        <Form.List name="mediaLinks">
          {(fields, { add, remove }) => (
            <Form.Item label={t('publishing.mediaLinks')}>
              {fields.map((field) => (
                <Space key={field.key} align="start" wrap style={{ display: 'flex', marginBottom: 4 }}>
                  <Form.Item name={[field.name, 'kind']} rules={[{ required: true }]} noStyle>
                    <Select style={{ width: 110 }} options={(['video', 'livestream', 'coverage'] as const).map((k) => ({ value: k, label: t(`publishing.kinds.${k}`) }))} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'title']} rules={[{ required: true, min: 2 }]} style={{ marginBottom: 0 }}>
                    <Input placeholder={t('publishing.linkTitle')} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'url']} rules={[{ required: true }]} style={{ marginBottom: 0 }}>
                    <Input placeholder="https://" style={{ width: 220 }} />
                  </Form.Item>
                  <Button type="link" onClick={() => remove(field.name)}>
                    {t('publishing.remove')}
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({ kind: 'coverage', title: '', url: '' })} disabled={fields.length >= 10}>
                {t('publishing.addLink')}
              </Button>
            </Form.Item>
          )}
        </Form.List>
        <Form.Item
          name="finalReport"
          label={t('publishing.finalReport')}
          extra={
            <WordCountHint text={finalReport} max={finalReportWordLimit} textKey="publishing.finalReportHint" testId="publication-final-report-words" />
          }
        >
          <Input.TextArea rows={5} data-testid="publication-final-report" />
        </Form.Item>
      </Form>
      {save.error && <Alert type="error" showIcon message={errorText(save.error)} data-testid="publication-error" />}
    </Modal>
  );
}
