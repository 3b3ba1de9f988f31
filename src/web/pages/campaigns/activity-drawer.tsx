import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Drawer, Form, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { campaignActivityBody } from '../../../shared/contracts/campaigns';
import { api, ApiError } from '../../api/client';
import { fetchChildUnits, unitKeys } from '../../api/units';
import type { ActivityStatus, CampaignActivityView, CampaignView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { DateInput } from '../../components/date-input';
import { useReportError } from '../../lib/errors';
import { unitTypeLabel } from '../../lib/labels';
import { contractRules, labelOf, validationText } from '../../lib/validation';
import { ActivityStatusSelect } from './activity-status';

interface ActivityValues {
  title: string;
  moduleId: string;
  startDate: string | null;
  endDate: string | null;
  place: string;
  description: string;
  departmentUnitIds: number[];
  status: ActivityStatus;
}

/** Departments first: they are who usually carries an activity out. */
const typeOrder = ['internal_department', 'affiliated_institution'];

/** Add an activity to the plan, or edit one (only the changed fields are sent). */
export function ActivityDrawer({
  campaign,
  activity,
  onClose,
  onSaved,
  onStale,
}: {
  campaign: CampaignView;
  activity: CampaignActivityView | null;
  onClose: () => void;
  onSaved: () => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const reportError = useReportError();
  const [form] = Form.useForm<ActivityValues>();
  const fields = campaignActivityBody.shape;
  const label = (field: string) => labelOf(field, language);
  const children = useQuery({ queryKey: unitKeys.children(campaign.unitId, false), queryFn: () => fetchChildUnits(campaign.unitId, false) });

  const known = new Map<number, string>();
  for (const unit of [...(children.data ?? [])].sort((a, b) => {
    const rank = (type: string) => (typeOrder.includes(type) ? typeOrder.indexOf(type) : typeOrder.length);
    return rank(a.type) - rank(b.type);
  })) {
    known.set(unit.id, `${unit.shortName}（${unitTypeLabel(unit.type, language)}）`);
  }
  for (const d of activity?.departments ?? []) if (!known.has(d.id)) known.set(d.id, d.shortName);

  const initialValues: ActivityValues = activity
    ? {
        title: activity.title,
        moduleId: activity.moduleId,
        startDate: activity.startDate,
        endDate: activity.endDate,
        place: activity.place ?? '',
        description: activity.description ?? '',
        departmentUnitIds: activity.departments.map((d) => d.id),
        status: activity.status,
      }
    : {
        title: '',
        moduleId: campaign.modules[0]?.id ?? '',
        startDate: null,
        endDate: null,
        place: '',
        description: '',
        departmentUnitIds: [],
        status: 'planned',
      };

  const save = useMutation({
    mutationFn: async (values: ActivityValues) => {
      const body = {
        title: values.title.trim(),
        moduleId: values.moduleId,
        startDate: values.startDate ?? null,
        endDate: values.endDate ?? null,
        place: (values.place ?? '').trim(),
        description: (values.description ?? '').trim(),
        departmentUnitIds: values.departmentUnitIds ?? [],
        status: values.status,
      };
      if (!activity) return api.post(`/campaigns/${campaign.id}/activities`, body);
      const before: typeof body = { ...initialValues, place: initialValues.place, description: initialValues.description };
      const changed: Record<string, unknown> = { version: activity.version };
      for (const key of Object.keys(body) as (keyof typeof body)[]) {
        if (JSON.stringify(body[key]) !== JSON.stringify(before[key])) changed[key] = body[key];
      }
      return api.patch(`/campaign-activities/${activity.id}`, changed);
    },
    onSuccess: onSaved,
    onError: (error) => {
      reportError(error, form);
      if (error instanceof ApiError && error.code === 'stale_version') onStale();
    },
  });

  return (
    <Drawer
      open
      size={560}
      title={activity ? t('activities.editTitle') : t('activities.createTitle')}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="activity-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<ActivityValues> form={form} layout="vertical" data-testid="activity-form" initialValues={initialValues} onFinish={(values) => save.mutate(values)}>
        <Form.Item name="title" label={t('activities.title')} rules={contractRules(fields.title, 'title', language, { required: true })}>
          <Input maxLength={200} name="title" data-testid="activity-title" />
        </Form.Item>
        <Form.Item name="moduleId" label={label('moduleId')} rules={[{ required: true, message: validationText('required', 'moduleId', language) }]}>
          <Select data-testid="activity-module" options={campaign.modules.map((m) => ({ value: m.id, label: m.name }))} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="startDate" label={label('startDate')}>
            <DateInput name="startDate" data-testid="activity-startDate" allowClear />
          </Form.Item>
          <Form.Item
            name="endDate"
            label={label('endDate')}
            dependencies={['startDate']}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_rule, value: string | null) => {
                  const start = getFieldValue('startDate') as string | null;
                  if (value && start && value < start) throw new Error(t('activities.endBeforeStart'));
                },
              }),
            ]}
          >
            <DateInput name="endDate" data-testid="activity-endDate" allowClear />
          </Form.Item>
        </Space>
        <Form.Item name="place" label={label('place')} rules={contractRules(fields.place, 'place', language)}>
          <Input maxLength={200} name="place" />
        </Form.Item>
        <Form.Item name="departmentUnitIds" label={label('departmentUnitIds')} extra={t('activities.departmentsHint')}>
          <Select
            mode="multiple"
            data-testid="activity-departments"
            loading={children.isFetching}
            maxCount={20}
            optionFilterProp="label"
            options={[...known].map(([value, text]) => ({ value, label: text }))}
          />
        </Form.Item>
        <Form.Item name="status" label={label('status')}>
          <ActivityStatusSelect data-testid="activity-status-field" />
        </Form.Item>
        <Form.Item name="description" label={label('description')} rules={contractRules(fields.description, 'description', language)}>
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
