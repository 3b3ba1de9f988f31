import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Spin, Table, Tag, Typography, type ButtonProps, type TableColumnsType } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { articleKinds, type ArticleBody, type ArticleView } from '../../../shared/contracts/articles';
import { api } from '../../api/client';
import { applyProblemToForm, useErrorText } from '../../lib/errors';
import type { RichTextEditorProps } from '../notices/rich-text-editor';
import { ImageUploadButton } from '../../components/image-upload-button';

const RichTextEditor = lazy(() => import('../notices/rich-text-editor'));

function BodyEditor(props: RichTextEditorProps) {
  return (
    <Suspense fallback={<Spin />}>
      <RichTextEditor {...props} />
    </Suspense>
  );
}

type Item = Omit<ArticleView, 'bodyHtml'>;
const statusColors: Record<string, string> = { draft: 'default', published: 'success', withdrawn: 'warning' };

/** /campaigns/:id/articles — 专题文章: the issuing unit's campaign managers write and publish the column's articles. */
export default function ArticlesPage() {
  const { t } = useTranslation();
  const campaignId = Number(useParams().id);
  const errorText = useErrorText();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const list = useQuery({ queryKey: ['articles', campaignId], queryFn: () => api.get<Item[]>(`/showcase/campaigns/${campaignId}/articles`) });
  const act = useMutation({
    mutationFn: ({ item, action }: { item: Item; action: 'publish' | 'withdraw' }) => api.post(`/showcase/articles/${item.id}/${action}`, { version: item.version }),
    onSuccess: async (_data, { action }) => {
      void message.success(t(action === 'publish' ? 'articles.published' : 'articles.withdrawn'));
      await queryClient.invalidateQueries({ queryKey: ['articles', campaignId] });
    },
    onError: (error) => void message.error(errorText(error)),
  });
  const columns: TableColumnsType<Item> = [
    { title: t('articles.titleField'), dataIndex: 'title', render: (v: string) => <span data-testid="article-row-title">{v}</span> },
    { title: t('articles.kind'), dataIndex: 'kind', width: 150, render: (v: Item['kind']) => t(`articles.kinds.${v}`) },
    { title: t('articles.status'), dataIndex: 'status', width: 110, render: (v: Item['status']) => <Tag color={statusColors[v]} data-testid="article-status">{t(`articles.statuses.${v}`)}</Tag> },
    {
      title: t('common.actions'),
      width: 220,
      render: (_, item) => (
        <Space wrap>
          <Button size="small" onClick={() => setEditing(item.id)} data-testid="article-edit">
            {t('common.edit')}
          </Button>
          {item.status === 'published' ? (
            <Button size="small" danger onClick={() => act.mutate({ item, action: 'withdraw' })} data-testid="article-withdraw">
              {t('articles.withdraw')}
            </Button>
          ) : (
            <Button size="small" type="primary" onClick={() => act.mutate({ item, action: 'publish' })} data-testid="article-publish">
              {t('articles.publish')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Card
      title={t('articles.title')}
      extra={
        <Button type="primary" onClick={() => setEditing('new')} data-testid="article-new">
          {t('articles.new')}
        </Button>
      }
      data-testid="articles-page"
    >
      <Typography.Paragraph type="secondary">
        {t('articles.intro')} <Link to={`/campaigns/${campaignId}`}>{t('articles.back')}</Link>
      </Typography.Paragraph>
      {list.error && <Alert type="error" showIcon message={errorText(list.error)} />}
      <Table<Item> rowKey="id" size="middle" loading={list.isFetching} dataSource={list.data ?? []} columns={columns} pagination={false} scroll={{ x: 700 }} />
      {editing !== null && <ArticleModal campaignId={campaignId} id={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

interface ArticleForm {
  kind: ArticleBody['kind'];
  title: string;
  summary: string;
  bodyHtml: string;
  videoUrl: string;
}

function ArticleModal({ campaignId, id, onClose }: { campaignId: number; id: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ArticleForm>();
  const [images, setImages] = useState<{ fileId: string; name: string }[]>([]);
  const existing = useQuery({ queryKey: ['article', id], queryFn: () => api.get<ArticleView>(`/showcase/articles/${id}`), enabled: id !== null });
  const [loadedFor, setLoadedFor] = useState<number | null>(null);
  if (existing.data && loadedFor !== existing.data.id) {
    setLoadedFor(existing.data.id);
    form.setFieldsValue({ kind: existing.data.kind, title: existing.data.title, summary: existing.data.summary, bodyHtml: existing.data.bodyHtml, videoUrl: existing.data.videoUrl ?? '' });
    setImages(existing.data.images.map((i) => ({ fileId: i.fileId, name: i.name })));
  }
  const campaign = useQuery({ queryKey: ['campaign-unit', campaignId], queryFn: () => api.get<{ unitId: number }>(`/campaigns/${campaignId}`) });
  const save = useMutation({
    mutationFn: (values: ArticleForm) => {
      const body: ArticleBody = {
        kind: values.kind,
        title: values.title,
        summary: values.summary ?? '',
        bodyHtml: values.bodyHtml ?? '',
        images: images.map((i) => ({ fileId: i.fileId })),
        ...(values.videoUrl?.trim() ? { videoUrl: values.videoUrl.trim() } : {}),
        ...(existing.data ? { version: existing.data.version } : {}),
      };
      return id === null ? api.post<ArticleView>(`/showcase/campaigns/${campaignId}/articles`, body) : api.put<ArticleView>(`/showcase/articles/${id}`, body);
    },
    onSuccess: async () => {
      void message.success(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: ['articles', campaignId] });
      await queryClient.invalidateQueries({ queryKey: ['article', id] });
      onClose();
    },
    onError: (error) => {
      applyProblemToForm(form, error);
    },
  });
  return (
    <Modal open title={id === null ? t('articles.new') : t('articles.edit')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: save.isPending, 'data-testid': 'article-save' } as ButtonProps} width={820} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('articles.privacy')}</Typography.Paragraph>
      <Form<ArticleForm> form={form} layout="vertical" initialValues={{ kind: 'news', summary: '', bodyHtml: '', videoUrl: '' }} onFinish={(values) => save.mutate(values)}>
        <Form.Item name="kind" label={t('articles.kind')} rules={[{ required: true }]}>
          <Select options={articleKinds.map((k) => ({ value: k, label: t(`articles.kinds.${k}`) }))} data-testid="article-kind" />
        </Form.Item>
        <Form.Item name="title" label={t('articles.titleField')} rules={[{ required: true, min: 2, max: 100 }]}>
          <Input maxLength={100} data-testid="article-title-input" />
        </Form.Item>
        <Form.Item name="summary" label={t('articles.summary')}>
          <Input.TextArea rows={2} maxLength={300} showCount data-testid="article-summary" />
        </Form.Item>
        <Form.Item name="bodyHtml" label={t('articles.body')}>
          <BodyEditor />
        </Form.Item>
        <Form.Item name="images" label={t('articles.images')} extra={t('publishing.photosHint')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            {images.map((p) => (
              <Space key={p.fileId}>
                <Typography.Text>{p.name}</Typography.Text>
                <Button size="small" type="link" onClick={() => setImages((list) => list.filter((x) => x.fileId !== p.fileId))}>
                  {t('common.remove')}
                </Button>
              </Space>
            ))}
            <ImageUploadButton
              unitId={campaign.data?.unitId}
              onUploaded={(stored) => setImages((list) => [...list, { fileId: stored.id, name: stored.name }])}
              disabled={images.length >= 20}
              data-testid="article-image-upload"
            >
              {t('publishing.addPhoto')}
            </ImageUploadButton>
          </Space>
        </Form.Item>
        <Form.Item name="videoUrl" label={t('articles.videoUrl')}>
          <Input placeholder="https://" maxLength={500} data-testid="article-video-url" />
        </Form.Item>
      </Form>
      {save.error && <Alert type="error" showIcon message={errorText(save.error)} data-testid="article-error" />}
    </Modal>
  );
}
