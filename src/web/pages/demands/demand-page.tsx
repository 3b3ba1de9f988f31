import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Select, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { DemandDetail } from '../../../shared/contracts/demands';
import { api } from '../../api/client';
import { applyProblemToForm, useErrorText } from '../../lib/errors';
import { chinaTime, demandStatusColors } from './demands-page';

/** /demand-desk/:id — one demand: accept, forward, answer (handling unit), the case to publish. */
export default function DemandPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const errorText = useErrorText();
  const detail = useQuery({ queryKey: ['demand', id], queryFn: () => api.get<DemandDetail>(`/demands/${id}`) });
  if (detail.error) return <Alert type="error" showIcon message={errorText(detail.error)} />;
  const d = detail.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="demand-page">
      <Link to="/demand-desk" data-testid="demand-back-link">
        ‹ {t('demands.desk.back')}
      </Link>
      <Card
        loading={!d}
        title={d ? `${t(`demands.categories.${d.category}`)} · ${d.regionName}` : ''}
        extra={
          d && (
            <Space size={4}>
              <Tag color={demandStatusColors[d.status]} data-testid="demand-detail-status">
                {t(`demands.statuses.${d.status}`)}
              </Tag>
              {d.overdue && <Tag color="error">{t('demands.desk.overdue')}</Tag>}
            </Space>
          )
        }
      >
        {d && (
          <Space direction="vertical" style={{ width: '100%' }}>
            {!d.handling && <Alert type="info" showIcon message={t('demands.desk.masked')} />}
            <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
              <Descriptions.Item label={t('demands.desk.unit')}>
                <span data-testid="demand-detail-unit">{d.unitName}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('demands.desk.submittedAt')}>{chinaTime(d.submittedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('demands.desk.acceptDueAt')}>{chinaTime(d.acceptDueAt)}</Descriptions.Item>
              <Descriptions.Item label={t('demands.desk.replyDueAt')}>{chinaTime(d.replyDueAt)}</Descriptions.Item>
              <Descriptions.Item label={t('demands.desk.firstReplyDueAt')}>{chinaTime(d.firstReplyDueAt)}</Descriptions.Item>
              <Descriptions.Item label={t('demands.desk.contact')}>
                <span data-testid="demand-detail-contact">{d.contact ? [d.contact.name, d.contact.phone, d.contact.email].filter(Boolean).join(' · ') : t('demands.desk.noContact')}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('demands.desk.description')} span={2}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="demand-detail-description">
                  {d.description}
                </Typography.Paragraph>
              </Descriptions.Item>
              {d.answer && (
                <Descriptions.Item label={t('demands.desk.answerText')} span={2}>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="demand-detail-answer">
                    {d.answer}
                  </Typography.Paragraph>
                </Descriptions.Item>
              )}
              {d.status === 'answered' && (
                <Descriptions.Item label={t('demands.desk.rating')} span={2}>
                  <span data-testid="demand-detail-rating">{d.rating ? `${t('demands.desk.ratingValue', { score: d.rating })}${d.ratingComment ? ` · ${d.ratingComment}` : ''}` : t('demands.desk.notRated')}</span>
                </Descriptions.Item>
              )}
            </Descriptions>
          </Space>
        )}
      </Card>
      {d?.handling && d.status !== 'answered' && <Actions demand={d} />}
      {d?.handling && d.status === 'answered' && <CaseEditor demand={d} />}
      {d && (
        <Card title={t('demands.desk.history')} size="small">
          <Timeline
            items={d.events.map((e) => ({
              children: (
                <span data-testid="demand-history-entry">
                  {chinaTime(e.at)} · {t(`demands.events.${e.kind}` as 'demands.events.submitted', { unit: e.toUnitName ?? e.fromUnitName ?? '' })}
                  {e.note ? ` —— ${e.note}` : ''}
                </span>
              ),
            }))}
          />
        </Card>
      )}
    </Space>
  );
}

function Actions({ demand }: { demand: DemandDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [answerForm] = Form.useForm<{ answer: string }>();
  const [forwardForm] = Form.useForm<{ unitId: number; note: string }>();
  const [forwarding, setForwarding] = useState(false);
  const targets = useQuery({
    queryKey: ['demand-targets', demand.id],
    queryFn: () => api.get<{ id: number; shortName: string; relation: 'parent' | 'below' }[]>(`/demands/${demand.id}/forward-targets`),
    enabled: forwarding,
  });
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ['demand', demand.id] }), queryClient.invalidateQueries({ queryKey: ['demands'] })]);
  const accept = useMutation({
    mutationFn: () => api.post(`/demands/${demand.id}/accept`, { version: demand.version }),
    onSuccess: async () => {
      message.success(t('demands.desk.accepted'));
      await refresh();
    },
    onError: (error) => message.error(errorText(error)),
  });
  const answer = useMutation({
    mutationFn: (values: { answer: string }) => api.post(`/demands/${demand.id}/answer`, { version: demand.version, answer: values.answer }),
    onSuccess: async () => {
      message.success(t('demands.desk.answerDone'));
      await refresh();
    },
    onError: (error) => {
      if (applyProblemToForm(answerForm, error) === 0) message.error(errorText(error));
    },
  });
  const forward = useMutation({
    mutationFn: (values: { unitId: number; note: string }) => api.post(`/demands/${demand.id}/forward`, { version: demand.version, ...values }),
    onSuccess: async () => {
      message.success(t('demands.desk.forwardDone'));
      await refresh();
    },
    onError: (error) => {
      if (applyProblemToForm(forwardForm, error) === 0) message.error(errorText(error));
    },
  });
  return (
    <Card size="small" title={t('demands.desk.open')} data-testid="demand-actions">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>
          {demand.status === 'submitted' && (
            <Button type="primary" onClick={() => accept.mutate()} loading={accept.isPending} data-testid="demand-accept">
              {t('demands.desk.accept')}
            </Button>
          )}
          <Button onClick={() => setForwarding((v) => !v)} data-testid="demand-forward-open">
            {t('demands.desk.forward')}
          </Button>
        </Space>
        {forwarding && (
          <Form form={forwardForm} layout="vertical" onFinish={(v) => forward.mutate(v)} data-testid="demand-forward-form">
            <Form.Item name="unitId" label={t('demands.desk.forwardTo')} rules={[{ required: true }]}>
              <Select
                loading={targets.isLoading}
                options={(targets.data ?? []).map((u) => ({ value: u.id, label: u.shortName }))}
                data-testid="demand-forward-target"
                showSearch
                optionFilterProp="label"
              />
            </Form.Item>
            <Form.Item name="note" label={t('demands.desk.forwardNote')} rules={[{ required: true, min: 2, max: 200 }]}>
              <Input maxLength={200} />
            </Form.Item>
            <Button htmlType="submit" loading={forward.isPending}>
              {t('demands.desk.forward')}
            </Button>
          </Form>
        )}
        <Form form={answerForm} layout="vertical" onFinish={(v) => answer.mutate(v)} data-testid="demand-answer-form">
          <Form.Item name="answer" label={t('demands.desk.answer')} rules={[{ required: true }]}>
            <Input.TextArea rows={5} placeholder={t('demands.desk.answerPlaceholder')} data-testid="demand-answer-text" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={answer.isPending} data-testid="demand-answer-submit">
            {t('demands.desk.answer')}
          </Button>
        </Form>
      </Space>
    </Card>
  );
}

function CaseEditor({ demand }: { demand: DemandDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ caseTitle: string; caseSummary: string }>();
  const save = useMutation({
    mutationFn: (published: boolean) => {
      const values = form.getFieldsValue();
      return api.put(`/demands/${demand.id}/case`, { version: demand.version, title: values.caseTitle ?? '', summary: values.caseSummary ?? '', published });
    },
    onSuccess: async () => {
      message.success(t('demands.desk.caseSaved'));
      await queryClient.invalidateQueries({ queryKey: ['demand', demand.id] });
    },
    onError: (error) => {
      if (applyProblemToForm(form, error) === 0) message.error(errorText(error));
    },
  });
  return (
    <Card size="small" title={t('demands.desk.case')} data-testid="demand-case-editor">
      <Typography.Paragraph type="secondary">{t('demands.desk.caseIntro')}</Typography.Paragraph>
      {demand.case.publishedAt && <Tag color="success">{t('demands.desk.published', { at: chinaTime(demand.case.publishedAt) })}</Tag>}
      <Form form={form} layout="vertical" initialValues={{ caseTitle: demand.case.title ?? '', caseSummary: demand.case.summary ?? '' }}>
        <Form.Item name="caseTitle" label={t('demands.desk.caseTitle')}>
          <Input maxLength={60} data-testid="demand-case-title" />
        </Form.Item>
        <Form.Item name="caseSummary" label={t('demands.desk.caseSummary')}>
          <Input.TextArea rows={4} data-testid="demand-case-summary" />
        </Form.Item>
        <Space>
          <Button type="primary" onClick={() => save.mutate(true)} loading={save.isPending} data-testid="demand-case-publish">
            {t('demands.desk.publish')}
          </Button>
          <Button onClick={() => save.mutate(false)} loading={save.isPending}>
            {demand.case.publishedAt ? t('demands.desk.unpublish') : t('demands.desk.saveDraft')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
