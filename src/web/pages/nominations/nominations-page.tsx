import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Image, Input, InputNumber, Modal, Result, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { achievementsWordLimit } from '../../../shared/domain/nominations';
import { ApiError } from '../../api/client';
import {
  createNomination,
  fetchNominations,
  fileUrl,
  nominationKeys,
  submitNomination,
  updateNomination,
  withdrawNomination,
  type NominationFields,
  type NominationList,
  type NominationView,
} from '../../api/nominations';
import { useLanguage } from '../../app/language';
import { formatDateTime } from '../../lib/labels';
import { useErrorText, useReportError } from '../../lib/errors';
import { ImageUploadButton } from '../../components/image-upload-button';
import { WordCountHint } from '../../components/word-count-hint';

const statusColors = { draft: 'default', submitted: 'green', withdrawn: 'red' } as const;

/**
 * /tasks/:id/nominations — 推荐人选: a unit nominates persons (最美科技工作者 and the like) within
 * its quota; the collecting unit reads the submitted ones.
 */
export default function NominationsPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const reportError = useReportError();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const taskId = Number(useParams().id);
  const valid = Number.isInteger(taskId) && taskId > 0;
  const list = useQuery({ queryKey: nominationKeys.list(taskId), queryFn: () => fetchNominations(taskId), enabled: valid });
  const [editing, setEditing] = useState<NominationView | 'new' | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: nominationKeys.list(taskId) });

  const submit = useMutation({
    mutationFn: (n: NominationView) => submitNomination(n.id, n.version),
    onSuccess: async (n) => {
      void message.success(t('nominations.submitted', { name: n.personName }));
      await refresh();
    },
    onError: (error) => reportError(error),
  });
  const withdraw = useMutation({
    mutationFn: (n: NominationView) => withdrawNomination(n.id, n.version),
    onSuccess: () => refresh(),
    onError: (error) => reportError(error),
  });

  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (list.isError) {
    const status = list.error instanceof ApiError ? list.error.status : 0;
    return <Result status={status === 404 ? '404' : 'error'} title={errorText(list.error)} />;
  }
  if (!list.data) return <Spin />;
  const { task, own, collecting, items } = list.data;
  const full = own !== null && own.submitted >= own.max;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="nominations-page">
      <Card size="small">
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('nominations.title')}
        </Typography.Title>
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('nominations.task')}>
            <Link to={`/tasks/${task.id}`}>{task.title}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('fill.issuer')}>{task.issuerName}</Descriptions.Item>
          <Descriptions.Item label={t('fill.deadline')}>{formatDateTime(task.deadline, language)}</Descriptions.Item>
          {own && (
            <Descriptions.Item label={t('nominations.quota')}>
              <span data-testid="nominations-quota">{t('nominations.quotaText', { unit: own.unitName, submitted: own.submitted, max: own.max })}</span>
            </Descriptions.Item>
          )}
        </Descriptions>
        {collecting && <Alert type="info" showIcon title={t('nominations.collectingHint')} />}
        {own && (
          <Space style={{ marginTop: 8 }}>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={task.closed} data-testid="nomination-add">
              {t('nominations.add')}
            </Button>
            {full && <Typography.Text type="secondary">{t('nominations.quotaFull')}</Typography.Text>}
          </Space>
        )}
      </Card>
      <Card size="small">
        <Table<NominationView>
          rowKey="id"
          size="small"
          dataSource={items}
          pagination={false}
          data-testid="nominations-table"
          onRow={(n) => ({ 'data-testid': 'nomination-row', 'data-status': n.status }) as React.HTMLAttributes<HTMLElement>}
          expandable={{ expandedRowRender: (n) => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{n.achievements}</Typography.Paragraph> }}
          locale={{ emptyText: t('nominations.empty') }}
          columns={[
            {
              key: 'photo',
              title: t('nominations.photo'),
              width: 70,
              render: (_: unknown, n) => (n.photoFileId ? <Image src={fileUrl(n.photoFileId)} width={48} height={64} style={{ objectFit: 'cover' }} alt={n.personName} /> : '—'),
            },
            { key: 'name', title: t('nominations.fields.personName'), dataIndex: 'personName' },
            ...(collecting ? [{ key: 'unit', title: t('nominations.nominatingUnit'), dataIndex: 'unitName' }] : []),
            { key: 'gender', title: t('nominations.fields.gender'), render: (_: unknown, n: NominationView) => t(`nominations.genders.${n.gender}`), width: 60 },
            { key: 'birthYear', title: t('nominations.fields.birthYear'), dataIndex: 'birthYear', width: 90 },
            { key: 'workUnit', title: t('nominations.fields.workUnit'), dataIndex: 'workUnit' },
            { key: 'jobTitle', title: t('nominations.fields.jobTitle'), dataIndex: 'jobTitle' },
            { key: 'words', title: t('nominations.words'), width: 80, align: 'right' as const, render: (_: unknown, n: NominationView) => n.achievementsWords },
            {
              key: 'status',
              title: t('nominations.status'),
              width: 90,
              render: (_: unknown, n: NominationView) => <Tag color={statusColors[n.status]}>{t(`nominations.statuses.${n.status}`)}</Tag>,
            },
            ...(own
              ? [
                  {
                    key: 'actions',
                    title: t('common.actions'),
                    width: 200,
                    render: (_: unknown, n: NominationView) => (
                      <Space size={4}>
                        {n.status === 'draft' && (
                          <>
                            <Button size="small" onClick={() => setEditing(n)} data-testid="nomination-edit">
                              {t('nominations.edit')}
                            </Button>
                            <Button size="small" type="primary" loading={submit.isPending} disabled={full} onClick={() => submit.mutate(n)} data-testid="nomination-submit">
                              {t('nominations.submit')}
                            </Button>
                          </>
                        )}
                        <Button
                          size="small"
                          danger
                          onClick={() =>
                            modal.confirm({ title: t('nominations.withdrawConfirm', { name: n.personName }), onOk: () => withdraw.mutateAsync(n) })
                          }
                          data-testid="nomination-withdraw"
                        >
                          {t('nominations.withdraw')}
                        </Button>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {editing && own && <NominationModal list={list.data} editing={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => void refresh()} />}
    </Space>
  );
}

type FormValues = Omit<NominationFields, 'photoFileId'>;

function NominationModal({ list, editing, onClose, onSaved }: { list: NominationList; editing: NominationView | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const reportError = useReportError();
  const [form] = Form.useForm<FormValues>();
  const [photoFileId, setPhotoFileId] = useState<string | null>(editing?.photoFileId ?? null);
  const achievements = Form.useWatch('achievements', form) ?? editing?.achievements ?? '';
  const save = useMutation({
    mutationFn: (values: FormValues) => {
      const body: NominationFields = { ...values, achievements: values.achievements ?? '', photoFileId };
      return editing ? updateNomination(editing.id, { ...body, version: editing.version }) : createNomination(list.task.id, body);
    },
    onSuccess: () => {
      void message.success(t('nominations.saved'));
      onSaved();
      onClose();
    },
    onError: (error) => reportError(error, form),
  });
  return (
    <Modal
      open
      width={720}
      title={editing ? t('nominations.editTitle', { name: editing.personName }) : t('nominations.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('nominations.save')}
      okButtonProps={{ loading: save.isPending, 'data-testid': 'nomination-save' } as never}
      destroyOnHidden
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={editing ?? { gender: 'female' }}
        onFinish={(values) => save.mutate(values)}
        data-testid="nomination-form"
      >
        <Space wrap align="start">
          <Form.Item name="personName" label={t('nominations.fields.personName')} rules={[{ required: true, min: 2, max: 30 }]}>
            <Input style={{ width: 160 }} data-testid="nomination-personName" />
          </Form.Item>
          <Form.Item name="gender" label={t('nominations.fields.gender')} rules={[{ required: true }]}>
            <Select style={{ width: 90 }} options={(['female', 'male'] as const).map((g) => ({ value: g, label: t(`nominations.genders.${g}`) }))} />
          </Form.Item>
          <Form.Item name="birthYear" label={t('nominations.fields.birthYear')} rules={[{ required: true }]}>
            <InputNumber min={1900} max={2020} style={{ width: 110 }} data-testid="nomination-birthYear" />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item name="workUnit" label={t('nominations.fields.workUnit')} rules={[{ required: true, min: 2, max: 100 }]}>
            <Input style={{ width: 220 }} data-testid="nomination-workUnit" />
          </Form.Item>
          <Form.Item name="discipline" label={t('nominations.fields.discipline')} rules={[{ required: true, min: 2, max: 60 }]}>
            <Input style={{ width: 160 }} data-testid="nomination-discipline" />
          </Form.Item>
          <Form.Item name="jobTitle" label={t('nominations.fields.jobTitle')} rules={[{ required: true, min: 2, max: 60 }]}>
            <Input style={{ width: 180 }} data-testid="nomination-jobTitle" />
          </Form.Item>
        </Space>
        <Form.Item
          name="achievements"
          label={t('nominations.fields.achievements')}
          extra={
            <WordCountHint text={achievements} max={achievementsWordLimit} textKey="nominations.wordCount" testId="nomination-words" />
          }
        >
          <Input.TextArea rows={8} data-testid="nomination-achievements" />
        </Form.Item>
        <Form.Item label={t('nominations.photo')} extra={t('nominations.photoHint')}>
          <Space>
            {photoFileId && <Image src={fileUrl(photoFileId)} width={72} height={96} style={{ objectFit: 'cover' }} alt="" data-testid="nomination-photo" />}
            <ImageUploadButton
              unitId={list.own?.unitId}
              onUploaded={(stored) => setPhotoFileId(stored.id)}
              icon={<UploadOutlined />}
              data-testid="nomination-photo-upload"
            >
              {photoFileId ? t('nominations.replacePhoto') : t('nominations.uploadPhoto')}
            </ImageUploadButton>
          </Space>
        </Form.Item>
      </Form>
    </Modal>
  );
}
