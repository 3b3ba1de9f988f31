import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useErrorText } from '../../lib/errors';
import { callColors, WorksCard, type Call } from './contributions-page';

/** /contributions — 作品审核: every call whose works the caller moderates (moderator units included). */
export default function ContributionReviewPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [selected, setSelected] = useState<number | null>(null);
  const calls = useQuery({ queryKey: ['contribution-calls-to-moderate'], queryFn: () => api.get<Call[]>('/contribution-calls') });
  const columns: TableColumnsType<Call> = [
    { title: t('contributions.callTitle'), dataIndex: 'title', render: (v: string, call) => <a href={`/contribute/${call.id}`} target="_blank" rel="noreferrer">{v}</a> },
    { title: t('contributions.status'), width: 100, render: (_, call) => <Tag color={callColors[call.status]}>{t(`contributions.callStatuses.${call.status}`)}</Tag> },
    { title: t('contributions.pending'), width: 90, render: (_, call) => call.counts.pending },
    {
      title: t('common.actions'),
      width: 120,
      render: (_, call) => (
        <Button size="small" type={selected === call.id ? 'primary' : 'default'} onClick={() => setSelected(call.id)} data-testid="review-call-works">
          {t('contributions.works')}
        </Button>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card title={t('contributions.reviewTitle')} data-testid="contribution-review-page">
        <Typography.Paragraph type="secondary">{t('contributions.reviewIntro')}</Typography.Paragraph>
        {calls.error && <Alert type="error" showIcon message={errorText(calls.error)} />}
        <Table<Call> rowKey="id" size="middle" loading={calls.isFetching} dataSource={calls.data ?? []} columns={columns} pagination={false} scroll={{ x: 500 }} />
      </Card>
      {selected !== null && <WorksCard key={selected} callId={selected} callsKey={['contribution-calls-to-moderate']} />}
    </Space>
  );
}
