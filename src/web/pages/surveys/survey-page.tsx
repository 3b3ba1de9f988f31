import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Collapse, Descriptions, List, Popconfirm, Row, Space, Table, Tag, Typography, type ButtonProps } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { EChart } from '../../components/echart';
import { useErrorText } from '../../lib/errors';
import { formatDateTime, surveyStatusColors, type SurveySummary } from './surveys-page';

interface SurveyView extends SurveySummary {
  intro: string;
  targetRegions: { code: string; name: string }[];
  token: string;
  publicUrl: string;
  organiser: boolean;
}
interface OptionCount {
  label: string;
  count: number;
  percent: number;
}
interface QuestionResult {
  key: string;
  kind: string;
  label: string;
  answered: number;
  options?: OptionCount[];
  mean?: number | null;
  rows?: { label: string; options: OptionCount[]; mean: number | null }[];
  texts?: string[];
}
interface Results {
  responses: number;
  questions: QuestionResult[];
  crossTabs: { questionKey: string; questionLabel: string; by: 'region' | 'unit_type'; columns: string[]; rows: { label: string; total: number; counts: number[] }[] }[];
}
interface Contacts {
  organiser: boolean;
  items: { responseId: number; name: string | null; mobile: string | null; email: string | null; createdAt: string }[];
}

function barOption(options: OptionCount[]) {
  return {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: options.map((o) => o.label), axisLabel: { width: 160, overflow: 'truncate' } },
    series: [{ type: 'bar', data: options.map((o) => o.count), label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => `${options[p.dataIndex]!.count}（${options[p.dataIndex]!.percent}%）` }, itemStyle: { color: '#3a6fb0' } }],
  };
}

function OptionTable({ options, testId }: { options: OptionCount[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <Table<OptionCount>
      size="small"
      rowKey="label"
      pagination={false}
      dataSource={options}
      data-testid={testId}
      onRow={(o) => ({ 'data-testid': 'survey-option-row', 'data-label': o.label, 'data-count': o.count }) as HTMLAttributes<HTMLElement>}
      columns={[
        { title: t('surveys.detail.option'), dataIndex: 'label' },
        { title: t('surveys.detail.count'), dataIndex: 'count', width: 80, align: 'right' },
        { title: t('surveys.detail.percent'), dataIndex: 'percent', width: 90, align: 'right', render: (v: number) => `${v.toFixed(1)}%` },
      ]}
    />
  );
}

/** /surveys/:id — the survey's link and QR code, publishing, and its results for the manager's subtree. */
export default function SurveyPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const errorText = useErrorText();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const survey = useQuery({ queryKey: ['survey', id], queryFn: () => api.get<SurveyView>(`/surveys/${id}`) });
  const results = useQuery({ queryKey: ['survey-results', id], queryFn: () => api.get<Results>(`/surveys/${id}/results`) });
  const contacts = useQuery({ queryKey: ['survey-contacts', id], queryFn: () => api.get<Contacts>(`/surveys/${id}/contacts`) });
  const act = useMutation({
    mutationFn: (action: 'publish' | 'close') => api.post(`/surveys/${id}/${action}`, { version: survey.data!.version }),
    onSuccess: async (_d, action) => {
      void message.success(t(action === 'publish' ? 'surveys.detail.published' : 'surveys.detail.closed'));
      await queryClient.invalidateQueries({ queryKey: ['survey', id] });
      await queryClient.invalidateQueries({ queryKey: ['surveys'] });
    },
    onError: (error) => void message.error(errorText(error)),
  });
  const s = survey.data;
  if (survey.error) return <Alert type="error" showIcon message={errorText(survey.error)} />;
  if (!s) return <Card loading />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="survey-detail">
      <Card
        title={s.title}
        extra={
          <Space wrap>
            {s.status === 'draft' && (
              <>
                <Link to={`/surveys/${id}/edit`}>
                  <Button data-testid="survey-edit">{t('surveys.detail.edit')}</Button>
                </Link>
                <Popconfirm title={t('surveys.detail.confirmPublish')} onConfirm={() => act.mutate('publish')} okButtonProps={{ 'data-testid': 'survey-publish-confirm' } as ButtonProps}>
                  <Button type="primary" loading={act.isPending} data-testid="survey-publish">
                    {t('surveys.detail.publish')}
                  </Button>
                </Popconfirm>
              </>
            )}
            {s.status === 'published' && (
              <Popconfirm title={t('surveys.detail.confirmClose')} onConfirm={() => act.mutate('close')} okButtonProps={{ 'data-testid': 'survey-close-confirm' } as ButtonProps}>
                <Button danger loading={act.isPending} data-testid="survey-close">
                  {t('surveys.detail.close')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        }
      >
        <Row gutter={16}>
          <Col xs={24} md={16}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('surveys.list.status')}>
                <Tag color={surveyStatusColors[s.status]} data-testid="survey-status">
                  {t(`surveys.status.${s.status}`)}
                </Tag>
                {s.open && <Tag color="processing">{t('surveys.list.open')}</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={t('surveys.list.unit')}>{s.unitName}</Descriptions.Item>
              <Descriptions.Item label={t('surveys.list.window')}>{`${formatDateTime(s.opensAt)} — ${formatDateTime(s.closesAt)}`}</Descriptions.Item>
              <Descriptions.Item label={t('surveys.editor.targetRegions')}>{s.targetRegions.map((r) => r.name).join('、')}</Descriptions.Item>
              <Descriptions.Item label={t('surveys.detail.link')}>
                <Typography.Text copyable data-testid="survey-public-link">
                  {s.publicUrl}
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          </Col>
          <Col xs={24} md={8}>
            <Typography.Text strong>{t('surveys.detail.qr')}</Typography.Text>
            <div>
              <img src={`/api/v1/surveys/${id}/qr.svg`} alt={t('surveys.detail.qr')} width={160} height={160} data-testid="survey-qr" />
            </div>
            <Space>
              <a href={`/api/v1/surveys/${id}/qr.png`} download>
                {t('surveys.detail.downloadPng')}
              </a>
              <a href={`/api/v1/surveys/${id}/qr.svg`} download>
                {t('surveys.detail.downloadSvg')}
              </a>
            </Space>
          </Col>
        </Row>
      </Card>
      <Card
        title={t('surveys.detail.results')}
        extra={
          <Space wrap>
            <Button href={`/api/v1/surveys/${id}/results.xlsx`} data-testid="survey-export-xlsx">
              {t('surveys.detail.exportXlsx')}
            </Button>
            <Button href={`/api/v1/surveys/${id}/report.docx`} data-testid="survey-export-docx">
              {t('surveys.detail.exportDocx')}
            </Button>
          </Space>
        }
      >
        {results.error && <Alert type="error" showIcon message={errorText(results.error)} />}
        {results.data && (
          <>
            <Typography.Paragraph data-testid="survey-response-count" data-count={results.data.responses}>
              {t('surveys.detail.responses', { count: results.data.responses })}
            </Typography.Paragraph>
            {results.data.questions.map((q, i) => (
              <Card key={q.key} size="small" type="inner" style={{ marginBottom: 12 }} title={`${i + 1}. ${q.label}`} extra={t('surveys.detail.answered', { count: q.answered })} data-testid={`survey-result-${q.key}`}>
                {q.options && (
                  <>
                    {q.mean !== undefined && q.mean !== null && <Typography.Text type="secondary">{t('surveys.detail.mean', { mean: q.mean })}</Typography.Text>}
                    {q.options.length > 0 && <EChart option={barOption(q.options)} height={Math.max(120, q.options.length * 30 + 24)} data-testid={`survey-chart-${q.key}`} />}
                    <OptionTable options={q.options} testId={`survey-table-${q.key}`} />
                  </>
                )}
                {q.rows && (
                  <Table
                    size="small"
                    rowKey="label"
                    pagination={false}
                    dataSource={q.rows}
                    data-testid={`survey-table-${q.key}`}
                    columns={[
                      { title: '', dataIndex: 'label' },
                      ...[0, 1, 2, 3, 4].map((p) => ({ title: q.rows![0]?.options[p]?.label ?? String(p + 1), key: String(p), align: 'right' as const, render: (_: unknown, r: { options: OptionCount[] }) => r.options[p]?.count ?? 0 })),
                      { title: t('surveys.detail.meanHeader'), dataIndex: 'mean', align: 'right' as const },
                    ]}
                  />
                )}
                {q.texts && (q.texts.length ? <List size="small" dataSource={q.texts} renderItem={(text) => <List.Item data-testid="survey-text">{text}</List.Item>} style={{ maxHeight: 320, overflow: 'auto' }} /> : <Typography.Text type="secondary">{t('surveys.detail.noTexts')}</Typography.Text>)}
              </Card>
            ))}
            {results.data.crossTabs.length > 0 && (
              <Collapse
                items={results.data.crossTabs.map((tab, i) => ({
                  key: String(i),
                  label: `${t('surveys.detail.crossTabs')}：${tab.questionLabel}（${tab.by === 'region' ? t('surveys.detail.byRegion') : t('surveys.detail.byUnitType')}）`,
                  children: (
                    <Table
                      size="small"
                      rowKey="label"
                      pagination={false}
                      scroll={{ x: 600 }}
                      dataSource={tab.rows}
                      columns={[
                        { title: tab.by === 'region' ? t('surveys.detail.byRegion') : t('surveys.detail.byUnitType'), dataIndex: 'label', fixed: 'left' as const },
                        { title: t('surveys.detail.total'), dataIndex: 'total', align: 'right' as const },
                        ...tab.columns.map((c, j) => ({ title: c, key: c, align: 'right' as const, render: (_: unknown, r: { counts: number[] }) => r.counts[j] })),
                      ]}
                    />
                  ),
                }))}
              />
            )}
          </>
        )}
      </Card>
      <Card title={t('surveys.detail.contacts')} extra={contacts.data && !contacts.data.organiser ? <Typography.Text type="secondary">{t('surveys.detail.contactsMasked')}</Typography.Text> : null}>
        <Table
          size="small"
          rowKey="responseId"
          pagination={{ pageSize: 20 }}
          dataSource={contacts.data?.items ?? []}
          locale={{ emptyText: t('surveys.detail.noContacts') }}
          data-testid="survey-contacts"
          columns={[
            { title: t('surveys.public.contactName'), dataIndex: 'name' },
            { title: t('surveys.public.contactMobile'), dataIndex: 'mobile' },
            { title: t('surveys.public.contactEmail'), dataIndex: 'email' },
            { title: '', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
          ]}
        />
      </Card>
    </Space>
  );
}
