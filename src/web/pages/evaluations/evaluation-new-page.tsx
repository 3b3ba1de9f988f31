import { DeleteOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Form, Input, InputNumber, Result, Row, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { campaignKeys, fetchCampaigns } from '../../api/campaigns';
import { fetchNotice, fetchNotices, noticeKeys } from '../../api/notices';
import { createRound, rememberRound, type CreateRoundRequest } from '../../api/selection';
import { useReportError } from '../../lib/errors';
import { campaignManagerRoles, unitsWithRole, useRequiredSession } from '../../session/session';

interface RoundFormValues {
  unitId: number;
  title: string;
  campaignId?: number | null;
  sourceNoticeId?: number | null;
  sourceTaskId?: number | null;
  categories: { name: string; kind: 'activity' | 'unit' | 'person'; places: number }[];
  criteria: { name: string; weight: number; minScore: number; maxScore: number }[];
  blind: boolean;
  aggregation: 'mean' | 'trimmed_mean';
  normalise: boolean;
  publicityDays: number;
}

/** /evaluations/new — a round: what is awarded (categories and places), how it is scored, where candidates come from. */
export default function EvaluationNewPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const navigate = useNavigate();
  const reportError = useReportError();
  const units = unitsWithRole(session, campaignManagerRoles);
  const [form] = Form.useForm<RoundFormValues>();
  const unitId = Form.useWatch('unitId', form) ?? units[0]?.id;
  const sourceNoticeId = Form.useWatch('sourceNoticeId', form);
  const year = new Date().getFullYear();

  const campaigns = useQuery({ queryKey: campaignKeys.list(unitId ?? null, null), queryFn: () => fetchCampaigns({ unitId }), enabled: unitId !== undefined });
  const noticesQuery = { issuerUnitId: unitId, status: 'issued' as const, page: 1, pageSize: 100 };
  const notices = useQuery({ queryKey: noticeKeys.list(noticesQuery), queryFn: () => fetchNotices(noticesQuery), enabled: unitId !== undefined });
  const notice = useQuery({ queryKey: noticeKeys.detail(sourceNoticeId ?? 0), queryFn: () => fetchNotice(sourceNoticeId!), enabled: !!sourceNoticeId });

  const create = useMutation({
    mutationFn: (values: RoundFormValues) => {
      const body: CreateRoundRequest = {
        unitId: values.unitId,
        title: values.title.trim(),
        campaignId: values.campaignId ?? null,
        sourceTaskId: values.sourceTaskId ?? null,
        categories: values.categories.map((c) => ({ name: (c.name ?? '').trim(), kind: c.kind, places: c.places })),
        criteria: values.criteria.map((c) => ({ name: (c.name ?? '').trim(), weight: c.weight, minScore: c.minScore, maxScore: c.maxScore })),
        blind: values.blind,
        aggregation: values.aggregation,
        normalise: values.normalise,
        publicityDays: values.publicityDays,
      };
      return createRound(body);
    },
    onSuccess: (round) => {
      rememberRound(session.user.id, round);
      void navigate(`/evaluations/${round.id}`);
    },
    onError: (error) => reportError(error, form),
  });

  if (units.length === 0) return <Result status="403" title={t('evaluation.forbidden')} />;

  const initialValues: RoundFormValues = {
    unitId: units[0]!.id,
    title: t('evaluation.defaultTitle', { year }),
    categories: [
      { name: '优秀组织单位', kind: 'unit', places: 10 },
      { name: '积极贡献单位', kind: 'unit', places: 20 },
      { name: '优秀活动案例', kind: 'activity', places: 30 },
    ],
    criteria: [
      { name: '组织实施', weight: 0.4, minScore: 0, maxScore: 100 },
      { name: '创新特色', weight: 0.3, minScore: 0, maxScore: 100 },
      { name: '成效影响', weight: 0.3, minScore: 0, maxScore: 100 },
    ],
    blind: false,
    aggregation: 'mean',
    normalise: false,
    publicityDays: 5,
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 1000 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('evaluation.createTitle')}
      </Typography.Title>
      <Form<RoundFormValues> form={form} layout="vertical" initialValues={initialValues} onFinish={(values) => create.mutate(values)} data-testid="evaluation-form">
        <Card size="small" title={t('evaluation.basics')} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="unitId" label={t('evaluation.organiser')} rules={[{ required: true }]}>
                <Select
                  data-testid="evaluation-unit"
                  options={units.map((u) => ({ value: u.id, label: u.name }))}
                  onChange={() => form.setFieldsValue({ campaignId: null, sourceNoticeId: null, sourceTaskId: null })}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item name="title" label={t('evaluation.roundTitle')} rules={[{ required: true, whitespace: true, min: 2, max: 200, message: t('evaluation.titleRequired') }]}>
                <Input maxLength={200} data-testid="evaluation-title" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="campaignId" label={t('evaluation.campaign')}>
                <Select
                  allowClear
                  data-testid="evaluation-campaign"
                  loading={campaigns.isFetching}
                  placeholder={t('common.optional')}
                  options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: `${c.year} · ${c.theme}` }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="sourceNoticeId" label={t('evaluation.sourceNotice')} extra={t('evaluation.sourceHint')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  data-testid="evaluation-source-notice"
                  loading={notices.isFetching}
                  placeholder={t('common.optional')}
                  onChange={() => form.setFieldValue('sourceTaskId', null)}
                  options={(notices.data?.items ?? []).map((n) => ({ value: n.id, label: `${n.documentNumber ? `${n.documentNumber} ` : ''}${n.title}` }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="sourceTaskId" label={t('evaluation.sourceTask')}>
                <Select
                  allowClear
                  disabled={!sourceNoticeId}
                  data-testid="evaluation-source-task"
                  loading={notice.isFetching}
                  options={(notice.data?.tasks ?? []).map((task) => ({ value: task.id, label: task.title }))}
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card size="small" title={t('evaluation.categories')} style={{ marginBottom: 16 }}>
          <Form.List name="categories">
            {(rows, { add, remove }) => (
              <>
                {rows.map((row, i) => (
                  <Space key={row.key} align="start" wrap data-testid="evaluation-category">
                    <Form.Item name={[row.name, 'name']} rules={[{ required: true, whitespace: true, min: 2, message: t('evaluation.categoryNameRequired') }]}>
                      <Input placeholder={t('evaluation.categoryName')} maxLength={60} style={{ width: 220 }} data-testid={`categories.${i}.name`} />
                    </Form.Item>
                    <Form.Item name={[row.name, 'kind']}>
                      <Select
                        style={{ width: 130 }}
                        data-testid={`categories.${i}.kind`}
                        options={[
                          { value: 'unit', label: t('evaluation.kinds.unit') },
                          { value: 'activity', label: t('evaluation.kinds.activity') },
                          { value: 'person', label: t('evaluation.kinds.person') },
                        ]}
                      />
                    </Form.Item>
                    <Form.Item name={[row.name, 'places']} rules={[{ required: true, message: t('evaluation.placesRequired') }]}>
                      <InputNumber min={1} max={10000} precision={0} prefix={t('evaluation.places')} style={{ width: 170 }} data-testid={`categories.${i}.places`} />
                    </Form.Item>
                    {rows.length > 1 && (
                      <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(row.name)} data-testid={`categories.${i}.remove`} />
                    )}
                  </Space>
                ))}
                {rows.length < 20 && (
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ name: '', kind: 'activity', places: 10 })}>
                    {t('evaluation.addCategory')}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Card>

        <Card size="small" title={t('evaluation.criteria')} style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('evaluation.criteriaHint')}</Typography.Paragraph>
          <Form.List name="criteria">
            {(rows, { add, remove }) => (
              <>
                {rows.map((row, i) => (
                  <Space key={row.key} align="start" wrap data-testid="evaluation-criterion">
                    <Form.Item name={[row.name, 'name']} rules={[{ required: true, whitespace: true, message: t('evaluation.criterionNameRequired') }]}>
                      <Input placeholder={t('evaluation.criterionName')} maxLength={60} style={{ width: 200 }} data-testid={`criteria.${i}.name`} />
                    </Form.Item>
                    <Form.Item name={[row.name, 'weight']} rules={[{ required: true, message: t('evaluation.weightRequired') }]}>
                      <InputNumber min={0.01} max={100} step={0.05} prefix={t('evaluation.weight')} style={{ width: 160 }} data-testid={`criteria.${i}.weight`} />
                    </Form.Item>
                    <Form.Item name={[row.name, 'minScore']} rules={[{ required: true }]}>
                      <InputNumber prefix={t('evaluation.minScore')} style={{ width: 140 }} data-testid={`criteria.${i}.minScore`} />
                    </Form.Item>
                    <Form.Item name={[row.name, 'maxScore']} rules={[{ required: true }]}>
                      <InputNumber prefix={t('evaluation.maxScore')} style={{ width: 140 }} data-testid={`criteria.${i}.maxScore`} />
                    </Form.Item>
                    {rows.length > 1 && (
                      <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(row.name)} data-testid={`criteria.${i}.remove`} />
                    )}
                  </Space>
                ))}
                {rows.length < 20 && (
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ name: '', weight: 0.1, minScore: 0, maxScore: 100 })}>
                    {t('evaluation.addCriterion')}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Card>

        <Card size="small" title={t('evaluation.rules')} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={12} md={6}>
              <Form.Item name="blind" label={t('evaluation.blind')} valuePropName="checked" extra={t('evaluation.blindHint')}>
                <Switch data-testid="evaluation-blind" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="aggregation" label={t('evaluation.aggregation')}>
                <Select
                  data-testid="evaluation-aggregation"
                  options={[
                    { value: 'mean', label: t('evaluation.aggregations.mean') },
                    { value: 'trimmed_mean', label: t('evaluation.aggregations.trimmed_mean') },
                  ]}
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="normalise" label={t('evaluation.normalise')} valuePropName="checked" extra={t('evaluation.normaliseHint')}>
                <Switch data-testid="evaluation-normalise" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="publicityDays" label={t('evaluation.publicityDays')} rules={[{ required: true }]}>
                <InputNumber min={1} max={60} precision={0} style={{ width: '100%' }} data-testid="evaluation-publicity-days" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={create.isPending} data-testid="evaluation-save">
          {t('evaluation.save')}
        </Button>
      </Form>
    </Space>
  );
}
