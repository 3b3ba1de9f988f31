import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Table, Tag, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { useErrorText } from '../../lib/errors';

export interface SurveySummary {
  id: number;
  unitId: number;
  unitName: string;
  title: string;
  status: 'draft' | 'published' | 'closed';
  open: boolean;
  opensAt: string;
  closesAt: string;
  responses: number;
  version: number;
}

export const surveyStatusColors: Record<SurveySummary['status'], string> = { draft: 'default', published: 'success', closed: 'warning' };
export const formatDateTime = (iso: string) => new Date(iso).toLocaleString('zh-CN', { dateStyle: 'short', timeStyle: 'short' });

/** /surveys — 问卷调查: the surveys of the caller's subtree, for campaign managers. */
export default function SurveysPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const list = useQuery({ queryKey: ['surveys'], queryFn: () => api.get<SurveySummary[]>('/surveys') });
  const columns: TableColumnsType<SurveySummary> = [
    {
      title: t('surveys.editor.title'),
      dataIndex: 'title',
      render: (v: string, s) => (
        <Link to={`/surveys/${s.id}`} data-testid="survey-row-title">
          {v}
        </Link>
      ),
    },
    { title: t('surveys.list.unit'), dataIndex: 'unitName', width: 140 },
    {
      title: t('surveys.list.status'),
      dataIndex: 'status',
      width: 150,
      render: (v: SurveySummary['status'], s) => (
        <>
          <Tag color={surveyStatusColors[v]}>{t(`surveys.status.${v}`)}</Tag>
          {s.open && <Tag color="processing">{t('surveys.list.open')}</Tag>}
        </>
      ),
    },
    { title: t('surveys.list.window'), width: 260, render: (_, s) => `${formatDateTime(s.opensAt)} — ${formatDateTime(s.closesAt)}` },
    { title: t('surveys.list.responses'), dataIndex: 'responses', width: 90, align: 'right' },
  ];
  return (
    <Card
      title={t('surveys.list.title')}
      extra={
        <Link to="/surveys/new">
          <Button type="primary" data-testid="survey-new">
            {t('surveys.list.create')}
          </Button>
        </Link>
      }
      data-testid="surveys-page"
    >
      {list.error && <Alert type="error" showIcon message={errorText(list.error)} />}
      <Table<SurveySummary> rowKey="id" size="middle" loading={list.isFetching} dataSource={list.data ?? []} columns={columns} pagination={false} scroll={{ x: 760 }} locale={{ emptyText: t('surveys.list.empty') }} />
    </Card>
  );
}
