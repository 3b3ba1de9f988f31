import { SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, Result, Row, Select, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { defaultMailTemplates, mailPlaceholders, renderMail, type MailVariables } from '../../../shared/domain/mail-templates';
import { fetchMailTemplates, saveMailTemplate, supervisionKeys } from '../../api/supervision';
import type { MailKind, MailTemplateView } from '../../api/types';
import { useErrorText, useReportError } from '../../lib/errors';
import { campaignManagerRoles, unitsWithRole, useRequiredSession } from '../../session/session';

/** Sample values for the live preview. */
function sampleVariables(unitName: string): MailVariables {
  return {
    unit: '南京市科协',
    task: '特色亮点活动筹备方案',
    notice: '关于开展2026年“全国科技工作者日”活动的通知',
    issuer: unitName,
    deadline: '2026年5月20日',
    comment: '请补充活动时间和地点。',
    link: `${window.location.origin}/tasks/1`,
  };
}

/** /mail-templates — the mails a unit sends (催办, 逾期, 退回, 通过, 评选结果), edited with a live preview. */
export default function MailTemplatesPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const units = unitsWithRole(session, campaignManagerRoles);
  const [unitId, setUnitId] = useState<number | undefined>(units[0]?.id);
  const errorText = useErrorText();
  const templates = useQuery({ queryKey: supervisionKeys.mailTemplates(unitId ?? 0), queryFn: () => fetchMailTemplates(unitId!), enabled: unitId !== undefined });

  if (units.length === 0) return <Result status="403" title={t('mailTemplates.forbidden')} />;
  const unitName = units.find((u) => u.id === unitId)?.name ?? '';

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="mail-templates-page">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('mailTemplates.title')}
        </Typography.Title>
        {units.length > 1 && (
          <Select style={{ minWidth: 220 }} value={unitId} onChange={setUnitId} options={units.map((u) => ({ value: u.id, label: u.name }))} data-testid="mail-templates-unit" />
        )}
      </Space>
      <Card size="small">
        <Typography.Paragraph style={{ marginBottom: 6 }}>{t('mailTemplates.intro', { unit: unitName })}</Typography.Paragraph>
        <Space wrap size={[6, 6]} data-testid="mail-placeholders">
          <Typography.Text strong>{t('mailTemplates.placeholders')}</Typography.Text>
          {mailPlaceholders.map((p) => (
            <Tag key={p}>
              <Typography.Text code>{`{${p}}`}</Typography.Text> {t(`mailTemplates.placeholder.${p}`)}
            </Tag>
          ))}
        </Space>
      </Card>
      {templates.isError && <Alert type="error" showIcon title={errorText(templates.error)} />}
      {templates.isPending && unitId !== undefined ? (
        <Spin />
      ) : (
        (templates.data ?? []).map((template) => <TemplateEditor key={`${unitId}:${template.kind}`} unitId={unitId!} unitName={unitName} template={template} />)
      )}
    </Space>
  );
}

interface TemplateValues {
  subject: string;
  body: string;
}

function TemplateEditor({ unitId, unitName, template }: { unitId: number; unitName: string; template: MailTemplateView }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const [form] = Form.useForm<TemplateValues>();
  const subject = Form.useWatch('subject', form) ?? template.subject;
  const body = Form.useWatch('body', form) ?? template.body;
  const preview = renderMail({ subject, body }, sampleVariables(unitName));
  const kind: MailKind = template.kind;

  const save = useMutation({
    mutationFn: (values: TemplateValues) => saveMailTemplate(kind, { unitId, subject: values.subject.trim(), body: values.body.trim(), version: template.version }),
    onSuccess: (saved) => {
      queryClient.setQueryData<MailTemplateView[]>(supervisionKeys.mailTemplates(unitId), (list) => list?.map((m) => (m.kind === saved.kind ? saved : m)));
      void message.success(t('mailTemplates.saved', { kind: t(`mailTemplates.kinds.${kind}`) }));
    },
    onError: (error) => reportError(error, form),
  });

  return (
    <Card
      size="small"
      data-testid={`mail-template-${kind}`}
      title={
        <Space>
          {t(`mailTemplates.kinds.${kind}`)}
          {template.custom ? <Tag color="blue">{t('mailTemplates.custom')}</Tag> : <Tag>{t('mailTemplates.default')}</Tag>}
        </Space>
      }
    >
      <Row gutter={[16, 8]}>
        <Col xs={24} lg={12}>
          <Form<TemplateValues> form={form} layout="vertical" initialValues={{ subject: template.subject, body: template.body }} onFinish={(values) => save.mutate(values)}>
            <Form.Item name="subject" label={t('mailTemplates.subject')} rules={[{ required: true, whitespace: true, message: t('mailTemplates.subjectRequired') }]}>
              <Input maxLength={200} data-testid={`mail-template-subject-${kind}`} />
            </Form.Item>
            <Form.Item name="body" label={t('mailTemplates.body')} rules={[{ required: true, whitespace: true, message: t('mailTemplates.bodyRequired') }]}>
              <Input.TextArea autoSize={{ minRows: 6, maxRows: 16 }} maxLength={5000} data-testid={`mail-template-body-${kind}`} />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending} data-testid={`mail-template-save-${kind}`}>
                {t('common.save')}
              </Button>
              <Button icon={<UndoOutlined />} onClick={() => form.setFieldsValue(defaultMailTemplates[kind])} data-testid={`mail-template-default-${kind}`}>
                {t('mailTemplates.restoreDefault')}
              </Button>
            </Space>
          </Form>
        </Col>
        <Col xs={24} lg={12}>
          <Typography.Text strong>{t('mailTemplates.preview')}</Typography.Text>
          <pre className="hj-mail-sample" data-testid={`mail-template-preview-${kind}`}>
            <strong>{preview.subject}</strong>
            {'\n\n'}
            {preview.body}
          </pre>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('mailTemplates.previewHint')}
          </Typography.Text>
        </Col>
      </Row>
    </Card>
  );
}
