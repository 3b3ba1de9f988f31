import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Radio, Select, Space, Spin, Typography } from 'antd';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { campaignKeys, fetchCampaigns } from '../../api/campaigns';
import { fetchUnit, unitKeys } from '../../api/units';
import type { CampaignTemplate, CampaignView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { ForbiddenResult } from '../../components/status-pages';
import { useErrorText, useReportError } from '../../lib/errors';
import { labelOf } from '../../lib/validation';
import { campaignManagerRoles, hasAnyRole, unitsWithRole, useRequiredSession } from '../../session/session';
import { CampaignStructureFields, checkPhaseFields, structureBody, structureOf, type CampaignStructureValues } from './campaign-form';
import { campaignYears } from './campaigns-page';

type Source = 'default' | 'copy' | 'inherit';

interface NewCampaignValues extends CampaignStructureValues {
  unitId: number;
  year: number;
  source: Source;
  copyFromId?: number | null;
  parentCampaignId?: number | null;
  copyActivities?: boolean;
}

/** The festival of the current year until it is over (end of June), then next year's. */
function defaultYear(): number {
  const now = new Date();
  return now.getMonth() >= 6 ? now.getFullYear() + 1 : now.getFullYear();
}

/** 新建年度活动: from the defaults, a copy of an earlier year, or the upper level's campaign. */
export default function CampaignNewPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, campaignManagerRoles)) return <ForbiddenResult />;
  return <NewCampaign />;
}

function NewCampaign() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [params] = useSearchParams();
  const [form] = Form.useForm<NewCampaignValues>();
  const units = unitsWithRole(session, campaignManagerRoles);
  const requestedYear = Number(params.get('year'));
  const initialYear = Number.isInteger(requestedYear) && requestedYear >= 2017 ? requestedYear : defaultYear();

  const unitId = Form.useWatch('unitId', form) ?? units[0]?.id;
  const year = Form.useWatch('year', form) ?? initialYear;
  const source = Form.useWatch('source', form) ?? 'default';
  const copyFromId = Form.useWatch('copyFromId', form) ?? null;
  const parentCampaignId = Form.useWatch('parentCampaignId', form) ?? null;

  const unit = useQuery({ queryKey: unitKeys.detail(unitId ?? 0), queryFn: () => fetchUnit(unitId!), enabled: !!unitId });
  const own = useQuery({ queryKey: campaignKeys.list(unitId ?? null, null), queryFn: () => fetchCampaigns({ unitId }), enabled: !!unitId });
  const sameYear = useQuery({ queryKey: campaignKeys.list(null, year), queryFn: () => fetchCampaigns({ year }) });

  const earlier = (own.data ?? []).filter((c) => c.unitId === unitId && c.year !== year);
  const ancestorIds = useMemo(() => new Set(unit.data?.ancestors.map((a) => a.id) ?? []), [unit.data]);
  // The levels above: visible ancestors, and campaigns listed that this user does not manage (the
  // list holds the user's own subtree, which they manage, and the levels above it).
  const upper = (sameYear.data ?? []).filter((c) => c.unitId !== unitId && (ancestorIds.has(c.unitId) || !c.canManage));
  const existing = (sameYear.data ?? []).find((c) => c.unitId === unitId);
  const parent: CampaignView | undefined = upper.find((c) => c.id === parentCampaignId);

  const sourceId = source === 'copy' ? copyFromId : source === 'inherit' ? parentCampaignId : null;
  const templateReady = !!unitId && (source === 'default' || sourceId !== null);
  const template = useQuery({
    queryKey: ['campaigns', 'template', unitId, year, source, sourceId],
    queryFn: () =>
      api.post<CampaignTemplate>('/campaigns/template', {
        unitId,
        year,
        ...(source === 'copy' && sourceId ? { copyFromId: sourceId } : {}),
        ...(source === 'inherit' && sourceId ? { parentCampaignId: sourceId } : {}),
      }),
    enabled: templateReady,
    staleTime: Infinity,
  });

  // A new template (another unit, year or source) prefills the plan's fields.
  useEffect(() => {
    if (template.data) form.setFieldsValue(structureOf(template.data));
  }, [template.data, form]);

  // Offer the most likely source once the lists are known.
  useEffect(() => {
    if (source === 'copy' && copyFromId === null && earlier[0]) form.setFieldValue('copyFromId', earlier[0].id);
    if (source === 'inherit' && parentCampaignId === null && upper[0]) form.setFieldValue('parentCampaignId', upper[0].id);
  }, [source, copyFromId, parentCampaignId, earlier, upper, form]);

  const create = useMutation({
    mutationFn: (values: NewCampaignValues) =>
      api.post<CampaignView>('/campaigns', {
        unitId: values.unitId,
        year: values.year,
        ...(values.source === 'inherit' && values.parentCampaignId ? { parentCampaignId: values.parentCampaignId } : {}),
        ...(values.source === 'copy' && values.copyActivities && values.copyFromId ? { copyActivitiesFromId: values.copyFromId } : {}),
        ...structureBody(values),
      }),
    onSuccess: (campaign) => {
      void message.success(t('campaigns.created'));
      queryClient.setQueryData(campaignKeys.detail(campaign.id), campaign);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all, predicate: (q) => q.queryKey[1] === 'list' });
      void navigate(`/campaigns/${campaign.id}`, { replace: true });
    },
    onError: (error) => reportError(error, form),
  });

  if (units.length === 0) return <ForbiddenResult />;
  const yearOptions = campaignYears().map((y) => ({ value: y, label: String(y) }));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 980 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('campaigns.createTitle')}
      </Typography.Title>
      <Form<NewCampaignValues>
        form={form}
        layout="vertical"
        data-testid="campaign-form"
        initialValues={{ unitId: units[0]?.id, year: initialYear, source: 'default', copyActivities: true, modules: [], phases: [], targetGroups: [], keyDates: [] }}
        onFinish={(values) => {
          if (checkPhaseFields(form, language, values.source === 'inherit' ? parent?.phases : undefined)) create.mutate(values);
        }}
      >
        <Card size="small" title={t('campaigns.sourceTitle')} style={{ marginBottom: 16 }}>
          <Space wrap size="large" align="start">
            <Form.Item name="unitId" label={labelOf('unitId', language)} style={{ minWidth: 260 }}>
              <Select
                data-testid="campaign-unit"
                options={units.map((u) => ({ value: u.id, label: u.name }))}
                onChange={() => form.setFieldsValue({ copyFromId: null, parentCampaignId: null })}
              />
            </Form.Item>
            <Form.Item name="year" label={labelOf('year', language)}>
              <Select
                data-testid="campaign-year"
                style={{ width: 120 }}
                options={yearOptions}
                onChange={() => form.setFieldsValue({ copyFromId: null, parentCampaignId: null })}
              />
            </Form.Item>
            <Form.Item name="source" label={t('campaigns.source')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'default', label: t('campaigns.sourceDefault') },
                  { value: 'copy', label: t('campaigns.sourceCopy'), disabled: earlier.length === 0 },
                  { value: 'inherit', label: t('campaigns.sourceInherit'), disabled: upper.length === 0 },
                ]}
              />
            </Form.Item>
          </Space>
          {source === 'copy' && (
            <Space wrap align="start">
              <Form.Item name="copyFromId" label={t('campaigns.copyFrom')} style={{ minWidth: 360 }}>
                <Select options={earlier.map((c) => ({ value: c.id, label: `${c.year} · ${c.theme}` }))} />
              </Form.Item>
              <Form.Item name="copyActivities" valuePropName="checked" label=" ">
                <Checkbox>{t('campaigns.copyActivities')}</Checkbox>
              </Form.Item>
            </Space>
          )}
          {source === 'inherit' && (
            <Form.Item name="parentCampaignId" label={t('campaigns.inheritFrom')} extra={t('campaigns.inheritHint')} style={{ maxWidth: 560 }}>
              <Select options={upper.map((c) => ({ value: c.id, label: `${c.unitName} · ${c.theme}` }))} />
            </Form.Item>
          )}
          {source === 'default' && upper.length > 0 && (
            <Alert type="info" showIcon title={t('campaigns.upperExists', { unit: upper[0]!.unitName, year })} />
          )}
          {existing && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 8 }}
              title={t('campaigns.alreadyExists', { year })}
              action={<Link to={`/campaigns/${existing.id}`}>{t('campaigns.open')}</Link>}
            />
          )}
        </Card>
        <Card size="small" title={t('campaigns.planTitle')}>
          {template.isError && <Alert type="error" showIcon title={errorText(template.error)} style={{ marginBottom: 16 }} />}
          <Spin spinning={template.isFetching}>
            <CampaignStructureFields />
          </Spin>
        </Card>
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="campaign-save">
            {t('campaigns.createSubmit')}
          </Button>
          <Button onClick={() => void navigate('/campaigns')}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Space>
  );
}
