import { DownloadOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, download } from '../api/client';
import { saveBlob } from '../lib/download';
import { applyProblemToForm, useReportError } from '../lib/errors';

/**
 * Downloads an export holding personal data. When the server answers `reauthentication_required`
 * it asks for the password in a modal, confirms it (POST /session/reauthenticate, five minutes)
 * and retries the download once. An account with an authenticator also gives a current code.
 */
export function PersonalDataExportButton(props: { path: string; fallbackName: string; label: string; testId: string }) {
  const { t } = useTranslation();
  const reportError = useReportError();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [form] = Form.useForm<{ password: string; totpCode?: string }>();

  const fetchFile = async () => {
    const { blob, filename } = await download(props.path);
    saveBlob(blob, filename ?? props.fallbackName);
  };

  const start = async () => {
    setBusy(true);
    try {
      await fetchFile();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'reauthentication_required') {
        form.resetFields();
        setAsking(true);
      } else reportError(error);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    const { password, totpCode } = await form.validateFields();
    setConfirming(true);
    try {
      await api.post('/session/reauthenticate', { password, ...(totpCode?.trim() ? { totpCode: totpCode.trim() } : {}) });
      setAsking(false);
      await fetchFile();
    } catch (error) {
      if (applyProblemToForm(form, error) === 0) reportError(error);
    } finally {
      setConfirming(false);
    }
  };

  return (
    <>
      <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void start()} data-testid={props.testId}>
        {props.label}
      </Button>
      <Modal
        open={asking}
        title={t('personalDataExport.title')}
        okText={t('personalDataExport.confirm')}
        confirmLoading={confirming}
        onOk={() => void confirm()}
        onCancel={() => setAsking(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('personalDataExport.hint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={() => void confirm()}>
          <Form.Item name="password" label={t('personalDataExport.password')} rules={[{ required: true, message: t('personalDataExport.passwordRequired') }]}>
            <Input.Password autoFocus autoComplete="current-password" data-testid="reauth-password" />
          </Form.Item>
          <Form.Item name="totpCode" label={t('personalDataExport.totpCode')} rules={[{ pattern: /^\d{6}$/, message: t('personalDataExport.totpCodeRule') }]}>
            <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" data-testid="reauth-totp" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
