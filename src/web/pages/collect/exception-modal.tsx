import { useMutation } from '@tanstack/react-query';
import { App, Form, Input, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { exceptionBody } from '../../../shared/contracts/submissions';
import { api } from '../../api/client';
import { useLanguage } from '../../app/language';
import { DateInput } from '../../components/date-input';
import { UnitPicker, type PickedUnit } from '../../components/unit-picker';
import { todayInChina } from '../../lib/dates';
import { useReportError } from '../../lib/errors';
import { contractRules, labelOf, validationText } from '../../lib/validation';

interface ExceptionValues {
  unitId: PickedUnit | null;
  until: string | null;
  reason: string;
}

/** 补报例外: a unit may still submit a closed task until the end of the chosen day (China time). */
export function ExceptionModal({ taskId, onClose }: { taskId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const reportError = useReportError();
  const [form] = Form.useForm<ExceptionValues>();
  const grant = useMutation({
    mutationFn: (values: ExceptionValues) =>
      api.post(`/collection-tasks/${taskId}/exceptions`, {
        unitId: values.unitId!.value,
        until: `${values.until}T23:59:59+08:00`,
        reason: values.reason.trim(),
      }),
    onSuccess: (_data, values) => {
      void message.success(t('collect.exceptionGranted', { unit: values.unitId?.label ?? '' }));
      onClose();
    },
    onError: (error) => reportError(error, form),
  });
  return (
    <Modal
      open
      title={t('collect.exceptionTitle')}
      okText={t('collect.exceptionSubmit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: grant.isPending, 'data-testid': 'exception-submit' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('collect.exceptionIntro')}</Typography.Paragraph>
      <Form<ExceptionValues> form={form} layout="vertical" initialValues={{ unitId: null, until: null, reason: '' }} onFinish={(values) => grant.mutate(values)}>
        <Form.Item name="unitId" label={labelOf('unitId', language)} rules={[{ required: true, message: validationText('required', 'unitId', language) }]}>
          <UnitPicker data-testid="exception-unit" placeholder={t('collect.unitPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="until"
          label={t('collect.exceptionUntil')}
          extra={t('collect.exceptionUntilHint')}
          rules={[
            { required: true, message: validationText('required', 'until', language, { label: t('collect.exceptionUntil') }) },
            {
              validator: async (_rule, value: string | null) => {
                if (value && value < todayInChina()) throw new Error(validationText('deadline_in_past', 'until', language, { label: t('collect.exceptionUntil') }));
              },
            },
          ]}
        >
          <DateInput name="until" data-testid="exception-until" minDate={todayInChina()} />
        </Form.Item>
        <Form.Item name="reason" label={labelOf('reason', language)} rules={contractRules(exceptionBody.shape.reason, 'reason', language, { required: true })}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="exception-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
