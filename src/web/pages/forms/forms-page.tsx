import { FileAddOutlined, FormOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { itemFields, unitFields, type FormDefinition } from '../../../shared/forms/definition';
import { api } from '../../api/client';
import { fetchForms, fetchFormTemplates, formKeys } from '../../api/forms';
import type { FormSummary, FormTemplateView, FormView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { ForbiddenResult } from '../../components/status-pages';
import { useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';
import { campaignManagerRoles, hasAnyRole, unitsWithRole, useRequiredSession } from '../../session/session';
import { blankDefinition } from './designer-defaults';

/** 样表: my units' forms; a new one starts from a built-in sample form (样表) or blank. */
export default function FormsPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const errorText = useErrorText();
  const [creating, setCreating] = useState(false);
  const list = useQuery({ queryKey: formKeys.list(null), queryFn: () => fetchForms(), staleTime: 0 });

  if (!hasAnyRole(session, campaignManagerRoles)) return <ForbiddenResult />;

  const columns: TableColumnsType<FormSummary> = [
    {
      key: 'name',
      title: t('forms.name'),
      render: (_: unknown, f) => (
        <Link to={`/forms/${f.id}`} data-testid="form-link">
          {f.name}
        </Link>
      ),
    },
    { key: 'unit', dataIndex: 'unitName', title: t('forms.unit'), width: 200 },
    { key: 'version', title: t('forms.latestVersion'), width: 120, render: (_: unknown, f) => t('forms.versionN', { version: f.latestVersion }) },
    { key: 'updatedAt', title: t('forms.updatedAt'), width: 200, render: (_: unknown, f) => formatDateTime(f.updatedAt, language) },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 110,
      render: (_: unknown, f) => (
        <Link to={`/forms/${f.id}`}>
          <Button size="small" icon={<FormOutlined />}>
            {t('forms.design')}
          </Button>
        </Link>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('forms.listTitle')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="form-create">
          {t('forms.create')}
        </Button>
      </Space>
      <Typography.Text type="secondary">{t('forms.intro')}</Typography.Text>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<FormSummary>
        data-testid="forms-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data ?? []}
        onRow={() => ({ 'data-testid': 'form-row' }) as HTMLAttributes<HTMLElement>}
        pagination={false}
        locale={{ emptyText: t('forms.empty') }}
      />
      {creating && <CreateFormModal units={unitsWithRole(session, campaignManagerRoles)} onClose={() => setCreating(false)} />}
    </Space>
  );
}

function TemplateDescription({ definition }: { definition: FormDefinition }) {
  const { t } = useTranslation();
  const unit = unitFields(definition).length;
  const item = itemFields(definition).length;
  return <>{definition.itemGroup ? t('forms.templateItems', { label: definition.itemGroup.label, count: item }) : t('forms.templateUnit', { count: unit })}</>;
}

/** Choose where the form belongs, optionally its name, then click a template: it is created and opened. */
function CreateFormModal({ units, onClose }: { units: { id: number; name: string }[]; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [form] = Form.useForm<{ unitId: number; name: string }>();
  const templates = useQuery({ queryKey: formKeys.templates, queryFn: fetchFormTemplates, staleTime: Infinity });

  const create = useMutation({
    mutationFn: (choice: { template: FormTemplateView } | { blank: true }) => {
      const values = form.getFieldsValue();
      const unitId = values.unitId ?? units[0]?.id;
      if ('template' in choice) {
        return api.post<FormView>('/forms', { unitId, name: values.name?.trim() || choice.template.name, templateKey: choice.template.key });
      }
      const definition = blankDefinition(t);
      return api.post<FormView>('/forms', { unitId, name: values.name?.trim() || definition.title, definition });
    },
    onSuccess: (view) => {
      queryClient.setQueryData(formKeys.detail(view.id), view);
      void queryClient.invalidateQueries({ queryKey: formKeys.all, predicate: (q) => q.queryKey[1] === 'list' });
      void message.success(t('forms.created', { name: view.name }));
      void navigate(`/forms/${view.id}`);
    },
    onError: (error) => reportError(error, form),
  });

  return (
    <Modal open title={t('forms.createTitle')} footer={null} onCancel={onClose} width={760} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ unitId: units[0]?.id, name: '' }}>
        <Space wrap align="start" size="large">
          {units.length > 1 && (
            <Form.Item name="unitId" label={t('forms.unit')} style={{ minWidth: 240 }}>
              <Select data-testid="form-create-unit" options={units.map((u) => ({ value: u.id, label: u.name }))} />
            </Form.Item>
          )}
          <Form.Item name="name" label={t('forms.name')} extra={t('forms.nameHint')} style={{ minWidth: 360 }}>
            <Input maxLength={100} data-testid="form-create-name" placeholder={t('forms.namePlaceholder')} />
          </Form.Item>
        </Space>
      </Form>
      <Typography.Paragraph strong>{t('forms.chooseTemplate')}</Typography.Paragraph>
      {templates.isPending && <Spin />}
      {templates.isError && <Alert type="error" showIcon title={errorText(templates.error)} />}
      <div className="hj-template-grid">
        {(templates.data ?? []).map((template) => (
          <Card
            key={template.key}
            size="small"
            hoverable
            className="hj-template-card"
            data-testid={`form-template-${template.key}`}
            onClick={() => !create.isPending && create.mutate({ template })}
          >
            <Card.Meta avatar={<FormOutlined style={{ fontSize: 22, color: '#1668dc' }} />} title={template.name} description={<TemplateDescription definition={template.definition} />} />
          </Card>
        ))}
        <Card size="small" hoverable className="hj-template-card" data-testid="form-template-blank" onClick={() => !create.isPending && create.mutate({ blank: true })}>
          <Card.Meta avatar={<FileAddOutlined style={{ fontSize: 22 }} />} title={t('forms.blank')} description={t('forms.blankHint')} />
        </Card>
      </div>
      {create.isPending && (
        <Space style={{ marginTop: 12 }}>
          <Spin size="small" />
          <Typography.Text type="secondary">{t('forms.creating')}</Typography.Text>
        </Space>
      )}
    </Modal>
  );
}
